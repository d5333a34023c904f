import { whyNotPlainJson } from '../../src/common/json.js';
import type { ProgramCommand } from '../../src/program/program.commands.js';
import { decide } from '../../src/program/program.decide.js';
import { PROGRAM_ERROR_KINDS, ProgramRuleError, type ProgramErrorCode } from '../../src/program/program.errors.js';
import type { ProgramEvent } from '../../src/program/program.events.js';
import { evolve, initialState, type ProgramState } from '../../src/program/program.state.js';

export function stateAfter(events: readonly ProgramEvent[]): ProgramState {
  return events.reduce(evolve, initialState);
}

/** `given(history).when(command).then(newEvents)` or `.thenRefusesWith(code)`: a decider spec over plain data. */
export function given(history: readonly ProgramEvent[]) {
  return {
    when(command: ProgramCommand) {
      const decideNow = () => decide(command, stateAfter(history));
      return {
        then(expected: ProgramEvent[]): ProgramEvent[] {
          const events = decideNow();
          expect(events).toEqual(expected);
          // What the store and subscribers receive must survive JSON unchanged: no undefined, no Date.
          expect(whyNotPlainJson(events)).toBeNull();
          expect(JSON.parse(JSON.stringify(events))).toEqual(events);
          return events;
        },
        thenRefusesWith(code: ProgramErrorCode): ProgramRuleError {
          let refusal: unknown;
          try {
            const events = decideNow();
            refusal = new Error(`expected ${code}, but the decision was taken: ${JSON.stringify(events)}`);
          } catch (error) {
            refusal = error;
          }
          if (!(refusal instanceof ProgramRuleError)) throw refusal;
          expect({ code: refusal.code, kind: refusal.kind }).toEqual({ code, kind: PROGRAM_ERROR_KINDS[code] });
          expect(refusal.message.length).toBeGreaterThan(20);
          return refusal;
        },
      };
    },
  };
}
