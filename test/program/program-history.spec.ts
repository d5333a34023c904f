import { whyNotPlainJson } from '../../src/event-store/json.js';
import type { ProgramCommand } from '../../src/program/program.commands.js';
import { decide } from '../../src/program/program.decide.js';
import type { ProgramEvent } from '../../src/program/program.events.js';
import { evolve, initialState, type Program, type ProgramState } from '../../src/program/program.state.js';
import { commandsOf } from './program.fixtures.js';

/**
 * The 2025–26 sovereign AI foundation model programme as reported, decision by decision. Only the known scores
 * (LG AI Research's) are real; the others are plausible values that keep the published outcome.
 */
const programId = 'sovereign-ai-foundation-model-2025';
const INDEPENDENCE = 'independent-development';

const c = commandsOf(programId);

const known = [
  { teamId: 'naver-cloud', name: 'Naver Cloud consortium', lead: 'Naver Cloud' },
  { teamId: 'upstage', name: 'Upstage consortium', lead: 'Upstage' },
  { teamId: 'sk-telecom', name: 'SK Telecom consortium', lead: 'SK Telecom' },
  { teamId: 'nc-ai', name: 'NC AI consortium', lead: 'NC AI' },
  { teamId: 'lg-ai-research', name: 'LG AI Research consortium', lead: 'LG AI Research' },
  { teamId: 'kakao', name: 'Kakao-led consortium', lead: 'Kakao' },
];
const unnamed = 'abcdefghi'.split('').map((letter) => ({
  teamId: `consortium-${letter}`,
  name: `Consortium ${letter.toUpperCase()}`,
  lead: `Lead organisation ${letter.toUpperCase()}`,
}));
const applicants = [...known, ...unnamed];
const FINALISTS = ['naver-cloud', 'upstage', 'sk-telecom', 'nc-ai', 'lg-ai-research'];
const CUT_IN_WRITTEN_REVIEW = ['consortium-a', 'consortium-b', 'consortium-c', 'consortium-d', 'consortium-e'];
const CUT_AFTER_PRESENTATIONS = ['kakao', 'consortium-f', 'consortium-g', 'consortium-h', 'consortium-i'];

const SCORECARD = [
  { criterion: 'national-benchmark', maxPoints: 10 },
  { criterion: 'global-common-benchmark', maxPoints: 20 },
  { criterion: 'global-individual-benchmark', maxPoints: 10 },
  { criterion: 'expert-evaluation', maxPoints: 35 },
  { criterion: 'user-evaluation', maxPoints: 25 },
];

/** Per team, points in scorecard order. The three benchmark criteria make up the 40-point benchmark part. */
const ROUND_ONE_POINTS: Record<string, number[]> = {
  'lg-ai-research': [9.2, 16.8, 7.6, 31.6, 25.0], // 33.6 + 31.6 + 25.0 = 90.2
  'sk-telecom': [8.5, 16.0, 7.4, 30.2, 24.3], // 86.4
  'naver-cloud': [8.8, 15.9, 7.0, 29.8, 24.2], // 85.7, inside the top four
  upstage: [8.1, 15.2, 7.3, 30.0, 24.3], // 84.9
  'nc-ai': [7.4, 13.8, 6.5, 27.1, 23.5], // 78.3
};

const decisions: ProgramCommand[] = [
  c('LaunchProgram', {
    title: 'Sovereign AI foundation model',
    ministry: 'Ministry of Science and ICT',
    finalistSlots: 5,
    winnerSlots: 2,
    rules: [{ ruleId: INDEPENDENCE, text: 'A model counts as independently developed only if the team initialised its weights and trained it from scratch.' }],
  }),
  ...applicants.map(({ teamId, name, lead }) =>
    c('SubmitApplication', {
      teamId,
      consortiumName: name,
      leadOrganization: lead,
      members: [lead],
      ...(teamId === 'naver-cloud'
        ? {
            modelDeclaration: {
              components: [
                { name: 'language model', origin: 'in-house', weights: 'from-scratch' },
                { name: 'vision encoder', origin: 'third-party', weights: 'pretrained', source: 'another company' },
              ],
            },
          }
        : {}),
    }),
  ),
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
    findings: "The model uses another company's trained vision-encoder weights.",
  }),
  c('EliminateTeam', { teamId: 'naver-cloud', grounds: 'rule-violation', ruleId: INDEPENDENCE }),
  c('ClarifyEligibilityRule', {
    ruleId: INDEPENDENCE,
    text: 'Initialising the weights and conducting original training is the minimum condition for an independent model.',
  }),
  c('OpenWildcard', { slots: 1, closesAt: '2026-02-12T18:00:00+09:00' }), // 2026-01-23
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
    expect(finalists).toEqual(['upstage', 'sk-telecom', 'lg-ai-research']);
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
    expect(team('kakao').consortiumName).toBe('Kakao-led consortium');
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
