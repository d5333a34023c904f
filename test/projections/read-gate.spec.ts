import { describe, expect, it } from '@jest/globals';
import { readVerdict } from '../../src/projections/engine/read-gate.js';

describe('whether a read is answered, waits, or is refused', () => {
  it('answers at once what the projection has, whatever else holds it', () => {
    expect(readVerdict('audit', true, { halted: true, stopped: 'lease lost', restarting: 'now' })).toEqual({ serve: true });
  });

  it('waits for a projection that is moving on', () => {
    expect(readVerdict('audit', false, { halted: false, stopped: null, restarting: null })).toEqual({ wait: true });
    expect(readVerdict('audit', false, { halted: false })).toEqual({ wait: true });
  });

  it('refuses at once, saying why, when the projection cannot move on: halted, stopped, restarting, in that order', () => {
    expect(readVerdict('audit', false, { halted: true, stopped: 'x', restarting: 'y' })).toEqual({ refuse: 'the audit projection is halted at a refused event' });
    expect(readVerdict('audit', false, { halted: false, stopped: 'the lease was taken over', restarting: 'y' })).toEqual({
      refuse: 'the audit projection is stopped: the lease was taken over',
    });
    expect(readVerdict('audit', false, { halted: false, stopped: null, restarting: 'since 12:00' })).toEqual({ refuse: 'the projections are restarting (since 12:00)' });
  });
});
