import { Inject, Injectable } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import type { ProgramPhase } from '../../program/program.state.js';
import { READ_MODEL_ACCESS, READ_MODEL_DB, type ReadModelAccess } from '../engine/projection.js';
import { StatementCache } from '../engine/statement-cache.js';
import type { StandingsHeader } from './standings.fold.js';
import type { StandingsDocument } from './standings.document.js';
import { type StandingsHead, standingsJson, teamStandingJson } from './standings.json.js';
import { STANDINGS, standingsTables } from './standings.projection.js';
import { isPaged, type TeamSelection } from './standings.selection.js';

export interface ProgramSummary {
  programId: string;
  title: string;
  phase: ProgramPhase;
  revision: number;
}

/** An answer of the live standings, as JSON text; or why there is none. */
export type StandingsAnswer = { kind: 'found'; json: string } | { kind: 'program-not-found' } | { kind: 'team-not-found'; teamId: string };

interface HeaderRow {
  header: string;
  slots: string;
}

/**
 * Reads of the live standings projection, in whatever generation serves now. Each answer is read in one read
 * transaction, so the programme's header and its teams' rows are of the same commit. Team rows are served as stored:
 * the text the projection wrote, never parsed again.
 */
@Injectable()
export class StandingsQueries {
  private readonly statements: StatementCache;

  constructor(
    @Inject(READ_MODEL_DB) private readonly db: Database,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {
    this.statements = new StatementCache(db);
  }

  programs(): ProgramSummary[] {
    const t = this.tables();
    return this.statements
      .get<[], ProgramSummary>(`SELECT program_id AS programId, title, phase, revision FROM ${t.programs} ORDER BY program_id`)
      .all();
  }

  /** The standings, the whole document or the teams `selection` picks. */
  standings(programId: string, selection: TeamSelection): StandingsAnswer {
    return this.readTransaction(() => {
      const t = this.tables();
      const row = this.header(programId);
      if (!row) return { kind: 'program-not-found' };
      const head: StandingsHead = { ...(JSON.parse(row.header) as StandingsHeader), slots: JSON.parse(row.slots) as StandingsDocument['slots'] };
      let afterSeq = -1;
      if (selection.after !== null) {
        const after = this.statements.get<[string, string], { seq: number }>(`SELECT seq FROM ${t.teams} WHERE program_id = ? AND team_id = ?`).get(programId, selection.after);
        if (!after) return { kind: 'team-not-found', teamId: selection.after };
        afterSeq = after.seq;
      }
      const statuses = selection.statuses ?? [];
      const statusClause = statuses.length > 0 ? ` AND status IN (${statuses.map(() => '?').join(', ')})` : '';
      const limitClause = selection.limit !== null ? ' LIMIT ?' : '';
      const sql = `SELECT team_id AS teamId, document FROM ${t.teams} WHERE program_id = ? AND seq > ?${statusClause} ORDER BY seq${limitClause}`;
      const params: unknown[] = [programId, afterSeq, ...statuses];
      // One more than asked for tells whether a next page exists.
      if (selection.limit !== null) params.push(selection.limit + 1);
      const rows = this.statements.get<unknown[], { teamId: string; document: string }>(sql).all(...params);
      if (!isPaged(selection)) return { kind: 'found', json: standingsJson(head, rows.map((r) => r.document)) };
      const more = selection.limit !== null && rows.length > selection.limit;
      const page = more ? rows.slice(0, selection.limit!) : rows;
      return { kind: 'found', json: standingsJson(head, page.map((r) => r.document), more ? page.at(-1)!.teamId : null) };
    });
  }

  /** One team's standing with the programme's revision and position. */
  teamStanding(programId: string, teamId: string): StandingsAnswer {
    return this.readTransaction(() => {
      const row = this.header(programId);
      if (!row) return { kind: 'program-not-found' };
      const t = this.tables();
      const team = this.statements.get<[string, string], { document: string }>(`SELECT document FROM ${t.teams} WHERE program_id = ? AND team_id = ?`).get(programId, teamId);
      if (!team) return { kind: 'team-not-found', teamId };
      const header = JSON.parse(row.header) as StandingsHeader;
      return { kind: 'found', json: teamStandingJson(programId, team.document, header.revision, header.position) };
    });
  }

  private header(programId: string): HeaderRow | undefined {
    const t = this.tables();
    return this.statements.get<[string], HeaderRow>(`SELECT header, slots FROM ${t.programs} WHERE program_id = ?`).get(programId);
  }

  private tables() {
    return standingsTables(this.access.tables(STANDINGS));
  }

  private readTransaction<T>(read: () => T): T {
    return this.db.transaction(read)();
  }
}
