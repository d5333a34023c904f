import { describe, expect, it } from '@jest/globals';
import { CloudEvent } from 'cloudevents';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { sseMessage, toCloudEvent } from '../../src/feed/cloud-event.js';
import { checkSchemasCoverCurrentVersions } from '../../src/feed/event-data-schemas.js';
import { feedContract } from '../../src/feed/feed-contract.js';
import { contractValidator } from './feed-contract-check.js';

const recorded = (overrides: Partial<RecordedEvent> = {}): RecordedEvent => ({
  eventId: '3f2c8d0e-1b7a-5c4e-9f00-6d1e2a3b4c5d',
  streamId: 'program-sovereign-ai-2025',
  revision: 41,
  position: 9_223_372_036_854_775_807n,
  type: 'WinnerSelected',
  data: { teamId: 'lg-ai-research' },
  metadata: { schemaVersion: 1, occurredAt: '2027-01-10T01:00:00.000Z', reason: 'Final evaluation' },
  recordedAt: new Date('2027-01-11T02:03:04.005Z'),
  ...overrides,
});

describe('the CloudEvent of a recorded event', () => {
  it('maps the envelope as API.md says, with the position exact to 64 bits', () => {
    expect(toCloudEvent(recorded())).toEqual({
      specversion: '1.0',
      id: '3f2c8d0e-1b7a-5c4e-9f00-6d1e2a3b4c5d',
      source: '/programs/sovereign-ai-2025',
      type: 'WinnerSelected',
      time: '2027-01-10T01:00:00.000Z',
      datacontenttype: 'application/json',
      dataschema: 'urn:docket:event-schema:WinnerSelected:1',
      subject: 'sovereign-ai-2025',
      data: { teamId: 'lg-ai-research' },
      position: '9223372036854775807',
      revision: 41,
      recordedat: '2027-01-11T02:03:04.005Z',
      schemaversion: 1,
    });
  });

  it('is a valid CloudEvent for the SDK, extensions included, and valid under the published contract', () => {
    const event = toCloudEvent(recorded());
    const sdk = new CloudEvent(event as never, true);
    expect(sdk.validate()).toBe(true);
    expect(sdk['position']).toBe('9223372036854775807');
    expect(sdk['recordedat']).toBe('2027-01-11T02:03:04.005Z');
    expect(contractValidator(feedContract())(event)).toBeNull();
  });

  it('takes the recorded time when an event has no effective time', () => {
    expect(toCloudEvent(recorded({ metadata: {} })).time).toBe('2027-01-11T02:03:04.005Z');
  });

  it('is refused by the contract when its data breaks the schema of its version', () => {
    const validate = contractValidator(feedContract());
    expect(validate({ ...toCloudEvent(recorded()), data: { teamId: 'LG' } })).toMatch(/pattern/);
    expect(validate({ ...toCloudEvent(recorded()), data: { teamId: 'lg-ai-research', extra: 1 } })).toMatch(/additional/);
    const ranking = recorded({ type: 'TeamEliminated', data: { teamId: 'nc-ai', stage: 1, grounds: 'ranking', round: 1 }, metadata: { schemaVersion: 2 } });
    expect(validate(toCloudEvent(ranking))).toBeNull();
    // v1 data announced as v2 is caught by the dataschema/schemaversion pair.
    expect(validate({ ...toCloudEvent(ranking), schemaversion: 1, dataschema: 'urn:docket:event-schema:TeamEliminated:1' })).not.toBeNull();
    expect(validate(toCloudEvent(recorded({ type: 'TeamEliminated', data: { teamId: 'nc-ai', stage: 1, grounds: 'not-shortlisted', round: 1 }, metadata: { schemaVersion: 2 } })))).not.toBeNull();
  });

  it('frames one SSE message whose data is one line, even when the event text has line breaks', () => {
    const message = sseMessage(toCloudEvent(recorded({ type: 'TeamWithdrew', data: { teamId: 'kakao', statement: 'We withdraw.\r\n\nThank you.' } })));
    expect(message.endsWith('\n\n')).toBe(true);
    const lines = message.slice(0, -2).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('id: 9223372036854775807');
    expect(lines[1]).toBe('event: TeamWithdrew');
    expect(JSON.parse(lines[2]!.slice('data: '.length)).data.statement).toBe('We withdraw.\r\n\nThank you.');
  });

  it('has a published schema for the current version of every event type', () => {
    expect(() => checkSchemasCoverCurrentVersions()).not.toThrow();
  });
});
