import { Inject, Injectable } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import type { ProgramPhase } from '../../program/program.state.js';
import { READ_MODEL_ACCESS, READ_MODEL_DB, type ReadModelAccess } from '../projection.js';
import { StatementCache } from '../queries/statement-cache.js';
import type { StandingsDocument } from './standings.document.js';
import { STANDINGS, standingsTable } from './standings.projection.js';

export interface ProgramSummary {
  programId: string;
  title: string;
  phase: ProgramPhase;
  revision: number;
}

/** Reads of the live standings projection, in whatever generation serves now. */
@Injectable()
export class StandingsQueries {
  private readonly statements: StatementCache;

  constructor(
    @Inject(READ_MODEL_DB) db: Database,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {
    this.statements = new StatementCache(db);
  }

  programs(): ProgramSummary[] {
    const table = standingsTable(this.access.tables(STANDINGS));
    return this.statements
      .get<[], ProgramSummary>(`SELECT program_id AS programId, title, phase, revision FROM ${table} ORDER BY program_id`)
      .all();
  }

  /** The stored JSON as it is: the controller sends it without parsing and serialising it again. */
  standingsJson(programId: string): string | null {
    const table = standingsTable(this.access.tables(STANDINGS));
    const row = this.statements.get<[string], { document: string }>(`SELECT document FROM ${table} WHERE program_id = ?`).get(programId);
    return row?.document ?? null;
  }

  standings(programId: string): StandingsDocument | null {
    const json = this.standingsJson(programId);
    return json === null ? null : (JSON.parse(json) as StandingsDocument);
  }
}
