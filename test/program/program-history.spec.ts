import { whyNotPlainJson } from '../../src/common/json.js';
import type { ProgramCommand } from '../../src/program/program.commands.js';
import { decide } from '../../src/program/program.decide.js';
import type { ProgramEvent } from '../../src/program/program.events.js';
import { evolve, initialState, type Program, type ProgramState } from '../../src/program/program.state.js';
import {
  APPLICATIONS,
  CLARIFIED_INDEPENDENCE_TEXT,
  CUT_AFTER_PRESENTATIONS,
  CUT_IN_WRITTEN_REVIEW,
  FINALISTS,
  INDEPENDENCE,
  INDEPENDENCE_TEXT,
  ROUND_ONE_POINTS,
  SCORECARD,
  VIOLATION_FINDINGS,
  WILDCARD_CLOSES_AT,
} from '../support/programme-history.js';
import { commandsOf } from './program.fixtures.js';

/**
 * The 2025–26 sovereign AI foundation model programme as reported, decision by decision. Only the known scores
 * (LG AI Research's) are real; the others are plausible values that keep the published outcome.
 */
const programId = 'sovereign-ai-foundation-model-2025';
const c = commandsOf(programId);

const decisions: ProgramCommand[] = [
  c('LaunchProgram', {
    title: 'Sovereign AI foundation model',
    ministry: 'Ministry of Science and ICT',
    finalistSlots: 5,
    winnerSlots: 2,
    rules: [{ ruleId: INDEPENDENCE, text: INDEPENDENCE_TEXT }],
  }),
  ...APPLICATIONS.map((application) => c('SubmitApplication', application)),
  c('CloseApplications', {}), // 2025-07-21
  ...CUT_IN_WRITTEN_REVIEW.map((teamId) => c('EliminateTeam', { teamId, grounds: 'not-shortlisted' })), // 2025-07-25
  ...FINALISTS.map((teamId) => c('SelectFinalist', { teamId })), // early August 2025
  ...CUT_AFTER_PRESENTATIONS.map((teamId) => c('EliminateTeam', { teamId, grounds: 'not-shortlisted' })),
  c('OpenEvaluationRound', { round: 1, title: 'First-stage evaluation', scorecard: SCORECARD }), // 2026-01-05
  ...Object.entries(ROUND_ONE_POINTS).flatMap(([teamId, points]) =>
    SCORECARD.map(({ criterion }, i) => c('RecordScore', { round: 1, teamId, criterion, points: points[i] })),
  ),
  c('CloseEvaluationRound', { round: 1 }), // results announced 2026-01-15
  c('EliminateTeam', { teamId: 'nc-ai', grounds: 'ranking', round: 1 }),
  c('RecordComplianceFinding', {
    teamId: 'naver-cloud',
    ruleId: INDEPENDENCE,
    verdict: 'violation',
    findings: VIOLATION_FINDINGS,
  }),
  c('EliminateTeam', { teamId: 'naver-cloud', grounds: 'rule-violation', ruleId: INDEPENDENCE }),
  c('ClarifyEligibilityRule', {
    ruleId: INDEPENDENCE,
    text: CLARIFIED_INDEPENDENCE_TEXT,
  }),
  c('OpenWildcard', { slots: 1, closesAt: WILDCARD_CLOSES_AT }), // 2026-01-23
  c('CloseWildcard', { admit: [] }), // Kakao, Naver and NC AI did not apply
];

function replay(commands: readonly ProgramCommand[]): { state: ProgramState; events: ProgramEvent[] } {
  let state: ProgramState = initialState;
  const events: ProgramEvent[] = [];
  for (const command of commands) {
    const decided = decide(command, state);
    events.push(...decided);
    state = decided.reduce(evolve, state);
  }
  return { state, events };
}

describe('the 2025–26 programme, as it happened', () => {
  const { state, events } = replay(decisions);
  const program = state as Program;
  const team = (teamId: string) => program.teams.get(teamId)!;

  it('records one plain-JSON event per decision', () => {
    expect(events).toHaveLength(decisions.length);
    expect(whyNotPlainJson(events)).toBeNull();
  });

  it('counted 15 applications when applications closed', () => {
    expect(events.find((e) => e.type === 'ApplicationsClosed')).toEqual({ type: 'ApplicationsClosed', data: { applicantCount: 15 } });
  });

  it('published the first-stage ranking with LG AI Research first at 90.2', () => {
    const closed = events.find((e) => e.type === 'EvaluationRoundClosed');
    expect(closed).toEqual({
      type: 'EvaluationRoundClosed',
      data: {
        round: 1,
        results: [
          { teamId: 'lg-ai-research', total: 90.2, rank: 1 },
          { teamId: 'sk-telecom', total: 86.4, rank: 2 },
          { teamId: 'naver-cloud', total: 85.7, rank: 3 },
          { teamId: 'upstage', total: 84.9, rank: 4 },
          { teamId: 'nc-ai', total: 78.3, rank: 5 },
        ],
      },
    });
  });

  it("keeps LG AI Research's benchmark part at 33.6 of its 90.2", () => {
    const scores = program.rounds[0]!.scores.get('lg-ai-research')!;
    const benchmark = ['national-benchmark', 'global-common-benchmark', 'global-individual-benchmark'];
    const hundredths = benchmark.reduce((sum, criterion) => sum + Math.round(scores.get(criterion)! * 100), 0);
    expect(hundredths).toBe(3360);
  });

  it('left LG AI Research, SK Telecom and Upstage as finalists, between rounds', () => {
    expect(program.phase).toBe('between-rounds');
    const finalists = [...program.teams.values()].filter((t) => t.status === 'finalist').map((t) => t.teamId);
    expect(finalists.sort()).toEqual(['lg-ai-research', 'sk-telecom', 'upstage']);
  });

  it('eliminated NC AI on the ranking and Naver Cloud under the independence rule, both at stage 1', () => {
    expect(team('nc-ai')).toMatchObject({ status: 'eliminated', eliminated: { stage: 1, grounds: 'ranking', round: 1 } });
    expect(team('naver-cloud')).toMatchObject({
      status: 'eliminated',
      eliminated: { stage: 1, grounds: 'rule-violation', ruleId: INDEPENDENCE },
    });
  });

  it('cut the Kakao-led consortium and nine others at screening', () => {
    const cut = [...CUT_IN_WRITTEN_REVIEW, ...CUT_AFTER_PRESENTATIONS];
    for (const teamId of cut) {
      expect(team(teamId)).toMatchObject({ status: 'eliminated', eliminated: { stage: 'screening', grounds: 'not-shortlisted' } });
    }
    const kakao = events.find((e) => e.type === 'ApplicationSubmitted' && e.data.teamId === 'kakao');
    expect(kakao?.data).toMatchObject({ consortiumName: 'Kakao-led consortium' });
  });

  it('holds the clarified independence rule', () => {
    expect(program.rules.get(INDEPENDENCE)).toMatch(/^Initialising the weights/);
  });

  it('closed the wild-card call with nobody admitted', () => {
    expect(events.at(-2)).toEqual({ type: 'WildcardOpened', data: { slots: 1, closesAt: '2026-02-12T18:00:00+09:00' } });
    expect(events.at(-1)).toEqual({ type: 'WildcardClosed', data: { admitted: [] } });
    expect(program.wildcard).toBeNull();
  });

  it('can open the second stage next, and has no winners yet', () => {
    const secondStage = c('OpenEvaluationRound', { round: 2, title: 'Second-stage evaluation', scorecard: SCORECARD });
    expect(decide(secondStage, state)).toEqual([{ type: 'EvaluationRoundOpened', data: { round: 2, title: 'Second-stage evaluation', scorecard: SCORECARD } }]);
    expect(program.winners).toEqual([]);
  });
});
