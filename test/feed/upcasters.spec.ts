import { describe, expect, it } from '@jest/globals';
import type { JsonObject } from '../../src/common/json.js';
import { currentSchemaVersion, upcast } from '../../src/program/program.upcasters.js';

const eliminated = (data: JsonObject, schemaVersion?: number): { type: string; data: JsonObject; metadata: JsonObject } => ({
  type: 'TeamEliminated',
  data,
  metadata: schemaVersion === undefined ? {} : { schemaVersion, reason: 'r' },
});

describe('upcasting recorded events to the current schema of their type', () => {
  it('declares TeamEliminated at version 2 and every other type at version 1', () => {
    expect(currentSchemaVersion('TeamEliminated')).toBe(2);
    expect(currentSchemaVersion('ProgramLaunched')).toBe(1);
  });

  it('fills in round 1 for a v1 ranking elimination at stage 1: the only round that could have ranked it', () => {
    const upcast1 = upcast(eliminated({ teamId: 'nc-ai', stage: 1, grounds: 'ranking' }, 1));
    expect(upcast1.data).toEqual({ teamId: 'nc-ai', stage: 1, grounds: 'ranking', round: 1 });
    expect(upcast1.metadata).toEqual({ schemaVersion: 2, reason: 'r' });
  });

  it('leaves round out of a v1 ranking elimination at a later stage, where it is not known', () => {
    expect(upcast(eliminated({ teamId: 'nc-ai', stage: 3, grounds: 'ranking' }, 1)).data).toEqual({ teamId: 'nc-ai', stage: 3, grounds: 'ranking' });
  });

  it('gives no round to other grounds, and reads an event without a version as version 1', () => {
    const ruled = upcast(eliminated({ teamId: 'naver-cloud', stage: 1, grounds: 'rule-violation', ruleId: 'independent-development' }));
    expect(ruled.data).toEqual({ teamId: 'naver-cloud', stage: 1, grounds: 'rule-violation', ruleId: 'independent-development' });
    expect(ruled.metadata.schemaVersion).toBe(2);
    expect(upcast(eliminated({ teamId: 'x1', stage: 'screening', grounds: 'not-shortlisted' }, 1)).data).not.toHaveProperty('round');
  });

  it('passes current and newer events through as the very same object', () => {
    const current = eliminated({ teamId: 'nc-ai', stage: 2, grounds: 'ranking', round: 1 }, 2);
    expect(upcast(current)).toBe(current);
    const newer = eliminated({ teamId: 'nc-ai', stage: 2, grounds: 'ranking', round: 1, extra: true }, 3);
    expect(upcast(newer)).toBe(newer);
    const other = { type: 'FinalistSelected', data: { teamId: 'upstage' }, metadata: { schemaVersion: 1 } };
    expect(upcast(other)).toBe(other);
  });

  it('does not change the recorded event it upcasts', () => {
    const old = eliminated({ teamId: 'nc-ai', stage: 1, grounds: 'ranking' }, 1);
    upcast(old);
    expect(old.data).toEqual({ teamId: 'nc-ai', stage: 1, grounds: 'ranking' });
    expect(old.metadata.schemaVersion).toBe(1);
  });
});
