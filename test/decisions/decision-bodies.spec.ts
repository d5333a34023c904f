import { describe, expect, it } from '@jest/globals';
import { SelectFinalistDto, SubmitApplicationDto } from '../../src/decisions/applications.dto.js';
import { DecisionDto } from '../../src/decisions/decision.dto.js';
import { eliminationRequest } from '../../src/decisions/eligibility.controller.js';
import { ClarifyEligibilityRuleDto, EliminateTeamDto, RecordComplianceFindingDto, WithdrawTeamDto } from '../../src/decisions/eligibility.dto.js';
import { LaunchProgramDto } from '../../src/decisions/program-launch.dto.js';
import { CloseEvaluationRoundDto, OpenEvaluationRoundDto, ScoreDto } from '../../src/decisions/rounds.dto.js';
import { CloseWildcardDto, OpenWildcardDto, SubmitWildcardApplicationDto } from '../../src/decisions/wildcard.dto.js';
import { SelectWinnerDto } from '../../src/decisions/winners.dto.js';
import * as history from './decision-bodies.fixtures.js';
import { check, fieldsOf, problemsOf } from './dto-check.js';

describe('the bodies of the 2025–26 history are valid', () => {
  it.each([
    ['launch', LaunchProgramDto, history.launch],
    ['application', SubmitApplicationDto, history.application],
    ['application declaring a third-party encoder', SubmitApplicationDto, history.naverApplication],
    ['closing applications', DecisionDto, history.closeApplications],
    ['finalist', SelectFinalistDto, history.finalist],
    ['opening round 1', OpenEvaluationRoundDto, history.openRound],
    ['score', ScoreDto, history.score],
    ['closing round 1', CloseEvaluationRoundDto, history.closeRound],
    ['rule clarification', ClarifyEligibilityRuleDto, history.clarifyRule],
    ['compliance finding', RecordComplianceFindingDto, history.finding],
    ['elimination on ranking', EliminateTeamDto, history.rankingElimination],
    ['elimination for a rule violation', EliminateTeamDto, history.violationElimination],
    ['elimination at screening', EliminateTeamDto, history.notShortlisted],
    ['withdrawal', WithdrawTeamDto, history.withdrawal],
    ['wild-card call', OpenWildcardDto, history.openWildcard],
    ['wild-card application', SubmitWildcardApplicationDto, history.wildcardApplication],
    ['wild-card close admitting no one', CloseWildcardDto, history.closeWildcard],
    ['winner', SelectWinnerDto, history.winner],
  ])('%s', async (_what, dto: new () => object, body: object) => {
    expect(await problemsOf(dto, body)).toEqual([]);
  });
});

describe('launch', () => {
  it('takes no rules, or an empty list, but refuses a rule stated twice', async () => {
    const { rules: _rules, ...withoutRules } = history.launch;
    expect(await problemsOf(LaunchProgramDto, withoutRules)).toEqual([]);
    expect(await problemsOf(LaunchProgramDto, { ...history.launch, rules: [] })).toEqual([]);
    const twice = [history.launch.rules[0], { ruleId: 'independence', text: 'Another text.' }];
    expect(await problemsOf(LaunchProgramDto, { ...history.launch, rules: twice })).toEqual([
      { field: 'rules', message: 'rules must not name the same ruleId twice' },
    ]);
  });

  it('validates each rule, naming the nested field', async () => {
    const rules = [{ ruleId: 'Independence', text: '' }, { ruleId: 'open-data' }];
    expect(await fieldsOf(LaunchProgramDto, { ...history.launch, rules })).toEqual(['rules.0.ruleId', 'rules.0.text', 'rules.1.text']);
  });
});

describe('applications', () => {
  it('needs 1 to 50 members, each free text', async () => {
    expect(await fieldsOf(SubmitApplicationDto, { ...history.application, members: [] })).toEqual(['members']);
    expect(await fieldsOf(SubmitApplicationDto, { ...history.application, members: Array.from({ length: 51 }, (_, i) => `m${i}`) })).toEqual(['members']);
    expect(await fieldsOf(SubmitApplicationDto, { ...history.application, members: Array.from({ length: 50 }, (_, i) => `m${i}`) })).toEqual([]);
    expect(await problemsOf(SubmitApplicationDto, { ...history.application, members: ['LG', 'LG\u0000CNS'] })).toEqual([
      { field: 'members', message: 'each of members must not contain control characters other than newline and tab, bidirectional overrides or unpaired surrogates' },
    ]);
    expect(await fieldsOf(SubmitApplicationDto, { ...history.application, members: 'LG AI Research' })).toEqual(['members']);
  });

  it('validates the model declaration: origins, weight initialisation, unknown fields', async () => {
    const components = [
      { name: 'vision encoder', origin: 'borrowed', weights: 'fine-tuned' },
      { name: 'tokenizer', origin: 'in-house', weights: 'from-scratch', licence: 'MIT' },
      { name: 'decoder', origin: 'open-source', weights: 'pretrained', source: null },
    ];
    expect(await fieldsOf(SubmitApplicationDto, { ...history.application, modelDeclaration: { components } })).toEqual([
      'modelDeclaration.components.0.origin',
      'modelDeclaration.components.0.weights',
      'modelDeclaration.components.1.licence',
      'modelDeclaration.components.2.source',
    ]);
  });

  it('refuses a declaration with no components, or one that is not an object', async () => {
    expect(await fieldsOf(SubmitApplicationDto, { ...history.application, modelDeclaration: { components: [] } })).toEqual(['modelDeclaration.components']);
    expect(await fieldsOf(SubmitApplicationDto, { ...history.application, modelDeclaration: {} })).toEqual(['modelDeclaration.components']);
    expect(await fieldsOf(SubmitApplicationDto, { ...history.application, modelDeclaration: [] })).toEqual(['modelDeclaration']);
    expect(await fieldsOf(SubmitApplicationDto, { ...history.application, modelDeclaration: null })).toEqual(['modelDeclaration']);
  });
});

describe('rounds', () => {
  it('needs a round number from 1 to 100', async () => {
    expect(await fieldsOf(OpenEvaluationRoundDto, { ...history.openRound, round: 0 })).toEqual(['round']);
    expect(await fieldsOf(OpenEvaluationRoundDto, { ...history.openRound, round: 101 })).toEqual(['round']);
    expect(await fieldsOf(OpenEvaluationRoundDto, { ...history.openRound, round: 1.5 })).toEqual(['round']);
    expect(await fieldsOf(OpenEvaluationRoundDto, { ...history.openRound, round: '1' })).toEqual(['round']);
  });

  it('needs 1 to 20 scorecard entries, each criterion once', async () => {
    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ criterion: `c${i}`, maxPoints: 5 }));
    expect(await fieldsOf(OpenEvaluationRoundDto, { ...history.openRound, scorecard: [] })).toEqual(['scorecard']);
    expect(await fieldsOf(OpenEvaluationRoundDto, { ...history.openRound, scorecard: entries(20) })).toEqual([]);
    expect(await fieldsOf(OpenEvaluationRoundDto, { ...history.openRound, scorecard: entries(21) })).toEqual(['scorecard']);
    const twice = [...history.openRound.scorecard, { criterion: 'benchmark', maxPoints: 10 }];
    expect(await problemsOf(OpenEvaluationRoundDto, { ...history.openRound, scorecard: twice })).toEqual([
      { field: 'scorecard', message: 'scorecard must not name the same criterion twice' },
    ]);
  });

  it('names each broken scorecard entry by its path', async () => {
    const scorecard = [{ criterion: 'benchmark', maxPoints: 0 }, { criterion: 'expert-evaluation', maxPoints: 35.5 }, 'user-evaluation', null];
    expect(await problemsOf(OpenEvaluationRoundDto, { ...history.openRound, scorecard })).toEqual([
      { field: 'scorecard.0.maxPoints', message: 'scorecard.0.maxPoints must not be less than 1' },
      { field: 'scorecard.1.maxPoints', message: 'scorecard.1.maxPoints must be an integer number' },
      { field: 'scorecard.2', message: 'scorecard.2 must be an object' },
      { field: 'scorecard.3', message: 'scorecard.3 must be an object' },
    ]);
  });

  it('takes the round of a score from the path, not the body', async () => {
    expect(await fieldsOf(ScoreDto, { ...history.score, round: 1 })).toEqual(['round']);
  });
});

describe('eliminations: each ground carries what it needs, and nothing else', () => {
  it('needs round with ranking, and refuses it otherwise', async () => {
    expect(await problemsOf(EliminateTeamDto, { ...history.rankingElimination, round: undefined })).toEqual([
      { field: 'round', message: 'round is required when grounds is ranking' },
    ]);
    expect(await problemsOf(EliminateTeamDto, { ...history.violationElimination, round: 1 })).toEqual([
      { field: 'round', message: 'round is allowed only when grounds is ranking' },
    ]);
    expect(await fieldsOf(EliminateTeamDto, { ...history.notShortlisted, round: null })).toEqual(['round']);
    expect(await fieldsOf(EliminateTeamDto, { ...history.rankingElimination, round: 0 })).toEqual(['round']);
  });

  it('needs ruleId with rule-violation, and refuses it otherwise', async () => {
    expect(await problemsOf(EliminateTeamDto, { ...history.violationElimination, ruleId: undefined })).toEqual([
      { field: 'ruleId', message: 'ruleId is required when grounds is rule-violation' },
    ]);
    expect(await problemsOf(EliminateTeamDto, { ...history.rankingElimination, ruleId: 'independence' })).toEqual([
      { field: 'ruleId', message: 'ruleId is allowed only when grounds is rule-violation' },
    ]);
    expect(await fieldsOf(EliminateTeamDto, { ...history.violationElimination, ruleId: 'Independence' })).toEqual(['ruleId']);
  });

  it('refuses unknown grounds', async () => {
    expect(await problemsOf(EliminateTeamDto, { ...history.notShortlisted, grounds: 'misconduct' })).toEqual([
      { field: 'grounds', message: 'grounds must be one of: not-shortlisted, ranking, rule-violation' },
    ]);
  });

  it('maps onto the domain union, each ground with its own field only', async () => {
    const request = async (body: object) => eliminationRequest((await check(EliminateTeamDto, body)).value as EliminateTeamDto);
    expect(await request(history.rankingElimination)).toEqual({ grounds: 'ranking', round: 1 });
    expect(await request(history.violationElimination)).toEqual({ grounds: 'rule-violation', ruleId: 'independence' });
    expect(await request(history.notShortlisted)).toEqual({ grounds: 'not-shortlisted' });
  });
});

describe('compliance findings and withdrawals', () => {
  it('takes only the verdicts violation and cleared', async () => {
    expect(await problemsOf(RecordComplianceFindingDto, { ...history.finding, verdict: 'cleared' })).toEqual([]);
    expect(await fieldsOf(RecordComplianceFindingDto, { ...history.finding, verdict: 'Violation' })).toEqual(['verdict']);
  });

  it('needs findings and a statement as free text', async () => {
    expect(await fieldsOf(RecordComplianceFindingDto, { ...history.finding, findings: '' })).toEqual(['findings']);
    expect(await fieldsOf(WithdrawTeamDto, { ...history.withdrawal, statement: 'a'.repeat(2001) })).toEqual(['statement']);
  });
});

describe('wild-card', () => {
  it('needs 1 to 1000 slots and an RFC 3339 closesAt', async () => {
    expect(await fieldsOf(OpenWildcardDto, { ...history.openWildcard, slots: 0 })).toEqual(['slots']);
    expect(await fieldsOf(OpenWildcardDto, { ...history.openWildcard, closesAt: '2026-02-12' })).toEqual(['closesAt']);
    expect(await fieldsOf(OpenWildcardDto, { ...history.openWildcard, closesAt: undefined })).toEqual(['closesAt']);
  });

  it('admits a list of distinct team slugs, which may be empty but must be there', async () => {
    expect(await problemsOf(CloseWildcardDto, { ...history.closeWildcard, admit: ['nc-ai'] })).toEqual([]);
    expect(await problemsOf(CloseWildcardDto, { ...history.closeWildcard, admit: ['nc-ai', 'nc-ai'] })).toEqual([
      { field: 'admit', message: 'admit must not name the same team twice' },
    ]);
    expect(await problemsOf(CloseWildcardDto, { ...history.closeWildcard, admit: ['NC AI'] })).toEqual([
      { field: 'admit', message: 'each of admit must be a slug: lower-case letters and digits, words joined by single hyphens' },
    ]);
    expect(await fieldsOf(CloseWildcardDto, { reason: 'x' })).toEqual(['admit']);
    expect(await fieldsOf(CloseWildcardDto, { ...history.closeWildcard, admit: 'nc-ai' })).toEqual(['admit']);
  });
});
