import type { Program, ProgramState } from '../../src/program/program.state.js';
import { Map as ImmutableMap, OrderedSet } from 'immutable';
import { programSnapshot } from '../../src/program/program.snapshot.js';
import { evolve, initialState } from '../../src/program/program.state.js';
import { stateAfter } from './decider-spec.js';
import {
  INDEPENDENCE,
  INDEPENDENCE_TEXT,
  afterElimination,
  applied,
  eliminated,
  found,
  roundClosed,
  roundOneClosed,
  roundOneOpen,
  roundOneScored,
  roundOpened,
  ruleClarified,
  screening,
  wildcardApplied,
  wildcardClosed,
  wildcardOpen,
  wildcardOpened,
  withWinner,
  winner,
  concluded,
  accepting,
} from './program.fixtures.js';

function programAfter(...histories: Parameters<typeof stateAfter>[0][]): Program {
  const state: ProgramState = stateAfter(histories.flat());
  if (!state.exists) throw new Error('expected a launched programme');
  return state;
}

describe('evolve: the state the decisions are taken against', () => {
  it('starts with no programme, and ignores events of a programme never launched', () => {
    expect(initialState).toEqual({ exists: false });
    expect(evolve(initialState, applied('alpha'))).toBe(initialState);
  });

  it('holds the launched programme with its slots, rules and no teams', () => {
    expect(programAfter(accepting.slice(0, 1))).toEqual({
      exists: true,
      programId: 'sovereign-ai',
      title: 'Sovereign AI foundation model',
      ministry: 'Ministry of Science and ICT',
      finalistSlots: 2,
      winnerSlots: 1,
      phase: 'accepting-applications',
      rules: new Map([[INDEPENDENCE, INDEPENDENCE_TEXT]]),
      teams: ImmutableMap(),
      inSlots: OrderedSet(),
      rounds: [],
      wildcard: null,
      hasEliminations: false,
      winners: [],
    });
  });

  it.each([
    ['accepting-applications', accepting],
    ['screening', screening],
    ['round-open', roundOneOpen],
    ['between-rounds', roundOneClosed],
    ['wildcard-open', wildcardOpen],
    ['between-rounds', [...wildcardOpen, wildcardClosed([])]],
    ['screening', [...screening, eliminated('gamma', 'screening', 'not-shortlisted'), wildcardOpened(), wildcardClosed([])]],
    ['concluded', [...withWinner, winner('beta'), concluded(['alpha', 'beta'])]],
  ] as const)('is in phase %s', (phase, history) => {
    expect(programAfter(history).phase).toBe(phase);
  });

  it('keeps every team that applied, by id, with what the rules need of it (not what it declared)', () => {
    const state = programAfter(screening);
    expect([...state.teams.keys()].sort()).toEqual(['alpha', 'beta', 'gamma']);
    expect(state.teams.get('gamma')).toEqual({
      teamId: 'gamma',
      status: 'applicant',
      eliminated: null,
      findings: new Map(),
    });
  });

  it('keeps team ids that are also names of object properties apart', () => {
    const state = programAfter(accepting.slice(0, 1), [applied('constructor')]);
    expect(state.teams.has('constructor')).toBe(true);
    expect(programAfter(accepting).teams.has('constructor')).toBe(false);
  });

  it('keeps scores per round, a correction replacing the points', () => {
    const corrected = {
      type: 'ScoreCorrected' as const,
      data: { round: 1, teamId: 'alpha', criterion: 'benchmark', previousPoints: 33.6, points: 34.2 },
    };
    const round = programAfter(roundOneScored, [corrected]).rounds[0]!;
    expect(round.scores.get('alpha')).toEqual(new Map([['benchmark', 34.2], ['expert', 50.1]]));
    expect(round.results).toBeNull();
  });

  it('keeps the published ranking of a closed round', () => {
    expect(programAfter(roundOneClosed).rounds[0]!.results).toEqual([
      { teamId: 'alpha', total: 83.7, rank: 1 },
      { teamId: 'beta', total: 71.25, rank: 2 },
    ]);
  });

  it('keeps how a team was eliminated', () => {
    const state = programAfter(afterElimination);
    expect(state.teams.get('beta')).toMatchObject({ status: 'eliminated', eliminated: { stage: 1, grounds: 'ranking' } });
    expect(state.hasEliminations).toBe(true);
  });

  it('makes an admitted wild-card applicant a finalist again, no longer eliminated', () => {
    const state = programAfter(wildcardOpen, [wildcardApplied('beta')]);
    expect(state.teams.get('beta')!.status).toBe('wildcard-applicant');
    expect([...state.wildcard!.applicants]).toEqual(['beta']);
    const after = programAfter(wildcardOpen, [wildcardApplied('beta'), wildcardClosed(['beta'])]);
    expect(after.teams.get('beta')).toMatchObject({ status: 'finalist', eliminated: null });
    expect(after.wildcard).toBeNull();
  });

  it('puts a wild-card applicant not admitted back to eliminated, as it was eliminated before', () => {
    const state = programAfter(wildcardOpen, [wildcardApplied('beta'), wildcardClosed([])]);
    expect(state.teams.get('beta')).toMatchObject({ status: 'eliminated', eliminated: { stage: 1, grounds: 'ranking' } });
  });

  it('replaces the text of a clarified rule in place and appends a new one', () => {
    const state = programAfter(accepting, [ruleClarified('open-weights', 'Published.'), ruleClarified(INDEPENDENCE, 'Clarified.')]);
    expect([...state.rules]).toEqual([
      [INDEPENDENCE, 'Clarified.'],
      ['open-weights', 'Published.'],
    ]);
  });

  it('keeps the latest compliance verdict per rule', () => {
    const state = programAfter(accepting, [found('alpha', 'violation'), found('alpha', 'cleared')]);
    expect(state.teams.get('alpha')!.findings).toEqual(new Map([[INDEPENDENCE, 'cleared']]));
  });

  it('keeps winners in order of selection', () => {
    const state = programAfter(withWinner, [winner('beta')]);
    expect(state.winners).toEqual(['alpha', 'beta']);
    expect(state.teams.get('alpha')!.status).toBe('winner');
  });

  it('counts the teams in finalist slots as they come and go, a winner keeping its slot, in the order they took it', () => {
    const slots = (...history: Parameters<typeof stateAfter>[0][]) => [...programAfter(...history).inSlots];
    expect(slots(screening)).toEqual([]);
    expect(slots(withWinner)).toEqual(['alpha', 'beta']);
    expect(slots(afterElimination)).toEqual(['alpha']);
    expect(slots(wildcardOpen, [wildcardApplied('beta')])).toEqual(['alpha']);
    expect(slots(wildcardOpen, [wildcardApplied('beta'), wildcardClosed(['beta'])])).toEqual(['alpha', 'beta']);
    expect(slots(wildcardOpen, [wildcardApplied('beta'), wildcardClosed([])])).toEqual(['alpha']);
  });

  it('never changes the state it is given', () => {
    const history = [
      ...roundOneScored,
      found('alpha', 'violation'),
      roundClosed(1, []),
      roundOpened(2),
      eliminated('beta', 2, 'ranking'),
      wildcardOpened(),
      wildcardApplied('beta'),
      wildcardClosed(['beta']),
    ];
    let state = initialState;
    for (const event of history) {
      const before = state.exists ? programSnapshot(state) : null;
      const next = evolve(state, event);
      expect(state.exists ? programSnapshot(state) : null).toEqual(before);
      state = next;
    }
  });
});
