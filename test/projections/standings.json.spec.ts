import { describe, expect, it } from '@jest/globals';
import { ProgramStandings, standingsAfter } from '../../src/projections/standings/standings.fold.js';
import { standingsJson, teamStandingJson } from '../../src/projections/standings/standings.json.js';
import { everyEventType, History, inputOf } from './standings.fixtures.js';

describe('the standings document as JSON text', () => {
  it('is JSON.stringify of the document after every event of a programme, put together from its head and team texts', () => {
    const history = new History();
    const events = everyEventType(history, 'p"q\\ 국가');
    let standings: ProgramStandings | null = null;
    for (const recorded of events) {
      standings = standingsAfter(standings, inputOf(recorded));
      const document = standings!.document();
      const texts = document.teams.map((team) => JSON.stringify(team));
      expect(standingsJson(document, texts)).toBe(JSON.stringify(document));
      // A page of it: the same, with the cursor last.
      expect(standingsJson(document, texts.slice(0, 2), 'b')).toBe(JSON.stringify({ ...document, teams: document.teams.slice(0, 2), next: 'b' }));
      expect(standingsJson(document, [], null)).toBe(JSON.stringify({ ...document, teams: [], next: null }));
    }
    expect(standings!.teamCount).toBeGreaterThan(3);
  });

  it("is, for one team, its entry between the programme's id and the programme's revision and position", () => {
    const history = new History();
    let standings: ProgramStandings | null = null;
    for (const recorded of everyEventType(history, 'p')) standings = standingsAfter(standings, inputOf(recorded));
    for (const slot of standings!.teams()) {
      const { revision, position } = standings!.header;
      const text = teamStandingJson('p', JSON.stringify(slot.team), revision, position);
      expect(text).toBe(JSON.stringify({ programId: 'p', ...slot.team, revision, position }));
    }
  });
});
