import type { StandingsDocument } from './standings.document.js';

/** What the standings document holds besides its teams. */
export type StandingsHead = Pick<StandingsDocument, 'programId' | 'title' | 'phase' | 'revision' | 'position' | 'slots' | 'winners'>;

/**
 * The standings document as JSON text, put together from its head and each team's stored text: the very bytes of
 * `JSON.stringify(document)` (the keys in API.md's order, as the fold builds them), without parsing a team. `next`,
 * when given, is the paging cursor and comes last.
 */
export function standingsJson(head: StandingsHead, teamTexts: readonly string[], next?: string | null): string {
  const { programId, title, phase, revision, position, slots, winners } = head;
  return (
    `{"programId":${JSON.stringify(programId)},"title":${JSON.stringify(title)},"phase":${JSON.stringify(phase)},` +
    `"revision":${JSON.stringify(revision)},"position":${JSON.stringify(position)},"slots":${JSON.stringify(slots)},` +
    `"teams":[${teamTexts.join(',')}],"winners":${JSON.stringify(winners)}` +
    (next === undefined ? '}' : `,"next":${JSON.stringify(next)}}`)
  );
}

/** One team's standing as API.md serves it alone: the programme, the team's entry, and the programme's revision and position. */
export function teamStandingJson(programId: string, teamText: string, revision: number, position: string): string {
  // A team's text is an object: its members go between the programme and the revision.
  return `{"programId":${JSON.stringify(programId)},${teamText.slice(1, -1)},"revision":${JSON.stringify(revision)},"position":${JSON.stringify(position)}}`;
}
