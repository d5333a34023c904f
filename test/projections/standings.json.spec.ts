import { describe, expect, it } from '@jest/globals';
import { programRecordOf } from '../../src/projections/common/program-event.js';
import type { StandingsDocument, StandingsState } from '../../src/projections/standings/standings.document.js';
import { evolveStandings } from '../../src/projections/standings/standings.fold.js';
import { standingsJson } from '../../src/projections/standings/standings.json.js';
import { everyEventType, History } from './standings.fixtures.js';

describe('the standings document as JSON text', () => {
  it('is JSON.stringify of the document after every event of a programme, reusing unchanged teams', () => {
    const history = new History();
    const events = everyEventType(history, 'p"q\\ 국가');
    let state: StandingsState | null = null;
    let steps = 0;
    for (const recorded of events) {
      state = evolveStandings(state, { event: programRecordOf(recorded)!.event, revision: recorded.revision, position: recorded.position });
      if (state === null) continue;
      // Twice: the second call takes every team's text from the cache.
      expect(standingsJson(state.standings)).toBe(JSON.stringify(state.standings));
      expect(standingsJson(state.standings)).toBe(JSON.stringify(state.standings));
      steps += 1;
    }
    expect(steps).toBe(events.length);
    expect(state!.standings.teams.length).toBeGreaterThan(3);
  });

  it('is JSON.stringify of a document read back from its text', () => {
    const history = new History();
    let state: StandingsState | null = null;
    for (const recorded of everyEventType(history, 'p')) {
      state = evolveStandings(state, { event: programRecordOf(recorded)!.event, revision: recorded.revision, position: recorded.position });
    }
    const reread = JSON.parse(JSON.stringify(state!.standings)) as StandingsDocument;
    expect(standingsJson(reread)).toBe(JSON.stringify(state!.standings));
  });
});
