import type { Database, Statement } from 'better-sqlite3';

/** A rebuild swaps in tables of another prefix, so the cache is small and forgets the oldest statements. */
const MAX_STATEMENTS = 256;

/**
 * Prepared statements by SQL text. The table names are part of the text, so a statement of a generation that was
 * swapped out is simply never asked for again.
 */
export class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  get<Params extends unknown[] = unknown[], Row = unknown>(sql: string): Statement<Params, Row> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
      if (this.statements.size > MAX_STATEMENTS) this.statements.delete(this.statements.keys().next().value!);
    }
    return statement as unknown as Statement<Params, Row>;
  }
}
