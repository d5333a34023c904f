import { describe, expect, it } from '@jest/globals';
import type { ProgramCommandType } from '../../src/program/program.commands.js';
import { REFUSALS } from '../../src/program/program.decide.js';
import { evolve, initialState, type ProgramState } from '../../src/program/program.state.js';
import { outcomeOf, randomCommand, seededRandom } from '../support/random-history.js';

describe('the refusals each decision declares', () => {
  it('are the only codes its decide function refuses with, over random commands on random states; and each happens', () => {
    const seen = new Map<ProgramCommandType, Set<string>>();
    for (let seed = 1; seed <= 300; seed++) {
      const random = seededRandom(seed);
      let state: ProgramState = initialState;
      for (let step = 0; step < 400; step++) {
        const command = randomCommand(`p-${seed}`, state, random);
        const outcome = outcomeOf(command, state);
        if ('events' in outcome) {
          for (const event of outcome.events) state = evolve(state, event);
          continue;
        }
        expect({ command: command.type, code: outcome.code, declared: REFUSALS[command.type].includes(outcome.code as never) }).toEqual({
          command: command.type,
          code: outcome.code,
          declared: true,
        });
        seen.set(command.type, (seen.get(command.type) ?? new Set()).add(outcome.code));
      }
    }
    // Every declared refusal is one the rules really give: none is listed (and documented) for nothing.
    const never = Object.entries(REFUSALS).flatMap(([type, codes]) => codes.filter((code) => !seen.get(type as ProgramCommandType)?.has(code)).map((code) => `${type}: ${code}`));
    // PROGRAM_NOT_FOUND comes before any command-specific check, so one command shows it for all.
    expect(never.filter((line) => !line.endsWith(': PROGRAM_NOT_FOUND'))).toEqual([]);
    expect(never.length).toBeLessThan(15);
  });
});
