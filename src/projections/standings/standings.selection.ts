import type { TeamStatus } from '../../program/program.state.js';
import type { TeamStanding } from './standings.document.js';
import type { TeamSlot } from './standings.fold.js';

/**
 * Which teams of the standings to show: those with one of `statuses` (all when null), in order of application, after
 * the team `after` (a team of the programme, whatever its status), at most `limit` of them. Without `limit` and
 * `after` the answer is the whole document of API.md; with either, it carries `next`, the cursor of the next page.
 */
export interface TeamSelection {
  statuses: readonly TeamStatus[] | null;
  limit: number | null;
  after: string | null;
}

export const WHOLE: TeamSelection = { statuses: null, limit: null, after: null };

export function isPaged(selection: TeamSelection): boolean {
  return selection.limit !== null || selection.after !== null;
}

export interface SelectedTeams<Team> {
  teams: Team[];
  /** The team to pass as `after` for the next page; null when nothing follows. Undefined unless paged. */
  next?: string | null;
}

/** The selection over teams held in memory (time travel), in order of application. */
export function selectTeams(slots: Iterable<TeamSlot>, selection: TeamSelection, afterSeq: number): SelectedTeams<TeamStanding> {
  const teams: TeamStanding[] = [];
  let more = false;
  for (const slot of slots) {
    if (slot.seq <= afterSeq) continue;
    if (selection.statuses !== null && !selection.statuses.includes(slot.team.status)) continue;
    if (selection.limit !== null && teams.length === selection.limit) {
      more = true;
      break;
    }
    teams.push(slot.team);
  }
  if (!isPaged(selection)) return { teams };
  return { teams, next: more ? teams.at(-1)!.teamId : null };
}
