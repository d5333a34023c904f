import { Inject, Injectable } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import { READ_MODEL_ACCESS, READ_MODEL_DB, type ReadModelAccess } from '../engine/projection.js';
import { StatementCache } from '../engine/statement-cache.js';
import { TIMELINE, TIMELINE_ENTRY_SQL, timelineTables } from './timeline.projection.js';

export type TimelineAnswer = { kind: 'program-not-found' } | { kind: 'team-not-found' } | { kind: 'found'; entries: string[] };

@Injectable()
export class TimelineQueries {
  private readonly statements: StatementCache;

  constructor(
    @Inject(READ_MODEL_DB) db: Database,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {
    this.statements = new StatementCache(db);
  }

  /** The team's entries as JSON text, in position order. A team that applied has at least its application. */
  timeline(programId: string, teamId: string): TimelineAnswer {
    const { programs, entries } = timelineTables(this.access.tables(TIMELINE));
    const program = this.statements.get<[string]>(`SELECT 1 FROM ${programs} WHERE program_id = ?`).get(programId);
    if (program === undefined) return { kind: 'program-not-found' };
    const rows = this.statements
      .get<[string, string], { entry: string }>(`SELECT ${TIMELINE_ENTRY_SQL} AS entry FROM ${entries} WHERE program_id = ? AND team_id = ? ORDER BY position`)
      .all(programId, teamId);
    if (rows.length === 0) return { kind: 'team-not-found' };
    return { kind: 'found', entries: rows.map((row) => row.entry) };
  }
}
