import { describe, expect, it } from '@jest/globals';
import type { ProgramEvent } from '../../src/program/program.events.js';
import { programFromSnapshot, programSnapshot } from '../../src/program/program.snapshot.js';
import { evolve, initialState, type ProgramState } from '../../src/program/program.state.js';
import { outcomeOf, randomCommand, randomHistory, seededRandom } from '../support/random-history.js';

const PROGRAM = 'random-programme';

function foldAll(events: readonly ProgramEvent[], from: ProgramState = initialState): ProgramState {
  return events.reduce(evolve, from);
}

/** The state folded from the first event, but through a snapshot (written and read back) taken after `at` events. */
function throughSnapshot(events: readonly ProgramEvent[], at: number): ProgramState {
  const before = foldAll(events.slice(0, at));
  if (!before.exists) return foldAll(events.slice(at), before);
  return foldAll(events.slice(at), programFromSnapshot(programSnapshot(before)));
}

describe('programme snapshots', () => {
  it('decide, from any snapshot point of random histories, exactly as the fold from the first event', () => {
    let decisionsCompared = 0;
    let refusalsCompared = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const random = seededRandom(seed);
      const events = randomHistory(PROGRAM, random, 250);
      const straight = foldAll(events);
      // Every point of the history is a snapshot point in some run; here a dozen of them, the ends included.
      const points = [1, events.length, ...Array.from({ length: 10 }, () => Math.floor(random() * events.length))];
      const probes = Array.from({ length: 40 }, () => randomCommand(PROGRAM, straight, random));
      for (const at of points) {
        const restored = throughSnapshot(events, at);
        for (const probe of probes) {
          const expected = outcomeOf(probe, straight);
          expect({ seed, at, probe, outcome: outcomeOf(probe, restored) }).toEqual({ seed, at, probe, outcome: expected });
          if ('events' in expected) decisionsCompared += 1;
          else refusalsCompared += 1;
        }
      }
    }
    // The random histories reach decisions taken and refused alike: the comparison is not empty on either side.
    expect(decisionsCompared).toBeGreaterThan(1000);
    expect(refusalsCompared).toBeGreaterThan(1000);
  });

  it('keep every part of the state a decision can look at', () => {
    for (let seed = 100; seed < 130; seed++) {
      const events = randomHistory(PROGRAM, seededRandom(seed), 300);
      const state = foldAll(events);
      if (!state.exists) continue;
      const text = programSnapshot(state);
      const restored = programFromSnapshot(text);
      // Written again, the restored state gives the same text: nothing was lost or added on the way.
      expect(programSnapshot(restored as Extract<ProgramState, { exists: true }>)).toBe(text);
      expect(restored).toMatchObject({ phase: state.phase, winners: state.winners, hasEliminations: state.hasEliminations });
      expect([...(restored as typeof state).inSlots]).toEqual([...state.inSlots]);
    }
  });

  it('reach the states worth testing: rounds closed, wild-card calls, winners, concluded programmes', () => {
    const phases = new Set<string>();
    const types = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const events = randomHistory(PROGRAM, seededRandom(seed), 250);
      for (const event of events) types.add(event.type);
      const state = foldAll(events);
      if (state.exists) phases.add(state.phase);
    }
    expect([...types].sort()).toEqual(
      [
        'ApplicationSubmitted', 'ApplicationsClosed', 'ComplianceFindingRecorded', 'EligibilityRuleClarified', 'EvaluationRoundClosed',
        'EvaluationRoundOpened', 'FinalistSelected', 'ProgramConcluded', 'ProgramLaunched', 'ScoreCorrected', 'ScoreRecorded',
        'TeamEliminated', 'TeamWithdrew', 'WildcardApplicationSubmitted', 'WildcardClosed', 'WildcardOpened', 'WinnerSelected',
      ].sort(),
    );
    expect(phases.size).toBeGreaterThanOrEqual(4);
  });
});
