import type Database from 'better-sqlite3';
import type { InsertedAppend, PendingAppend } from './append-insert.js';

/** What became of one append of a batch: where its events went, null when the stream was not as expected, or its error. */
export type AppendOutcome = { recorded: InsertedAppend | null } | { error: unknown };

/** Takes appends and commits them: in the store's own thread (`GroupCommit`) or in a thread of its own. */
export interface AppendWriter {
  submit(append: PendingAppend): Promise<AppendOutcome>;
  /** Commits whatever is waiting, then takes no more. */
  close(): Promise<void>;
}

/**
 * Commits the appends that arrive within one turn of the event loop together: one transaction, one fsync. Each
 * append runs in a savepoint of its own (better-sqlite3 nests transactions as savepoints), so one that fails or
 * finds its stream moved leaves the others untouched, and none is ever torn. An append is acknowledged only after
 * the commit that holds it; with `synchronous=FULL` that commit is on disk. Under concurrent load this turns many
 * fsyncs into one; alone, an append waits for nothing but the next tick.
 */
export class GroupCommit implements AppendWriter {
  private queue: Array<{ append: PendingAppend; settle: (outcome: AppendOutcome) => void }> = [];
  private scheduled = false;
  private readonly commitAlone: (append: PendingAppend) => InsertedAppend | null;
  private readonly commitBatch: (batch: PendingAppend[]) => AppendOutcome[];

  constructor(
    db: Database.Database,
    insert: (append: PendingAppend) => InsertedAppend | null,
    private readonly afterCommit: () => void,
  ) {
    // Called inside another transaction, a better-sqlite3 transaction function runs as a savepoint.
    const inTransaction = db.transaction(insert);
    // A single event is a single INSERT, and a statement is atomic by itself: alone, without BEGIN and COMMIT
    // around it; inside the batch's transaction, without a savepoint (a statement that fails is undone on its own,
    // and one that finds its stream moved writes nothing). Only appends of several events need the savepoint.
    const atomically = (append: PendingAppend) => (append.events.length === 1 ? insert(append) : inTransaction(append));
    this.commitAlone = atomically;
    this.commitBatch = db.transaction((batch: PendingAppend[]) =>
      batch.map((append) =>
        settle(() => atomically(append), (error) => {
          // A failure of the transaction itself (SQLite may already have rolled it back) fails the whole batch;
          // going on would commit the rest of the batch piecemeal, outside the transaction.
          if (isCommitFailure(error) || !db.inTransaction) throw error;
        }),
      ),
    );
  }

  submit(append: PendingAppend): Promise<AppendOutcome> {
    return new Promise((settle) => {
      this.queue.push({ append, settle });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  async close(): Promise<void> {
    this.flush();
  }

  /** Commits whatever is waiting now. */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    let outcomes: AppendOutcome[];
    try {
      outcomes = batch.length === 1 ? [settle(() => this.commitAlone(batch[0]!.append))] : this.commitBatch(batch.map((item) => item.append));
    } catch (error) {
      // The transaction failed (disk full, I/O error): every append of it failed; each looks for its events anyway.
      outcomes = batch.map(() => ({ error }));
    }
    if (outcomes.some((outcome) => 'recorded' in outcome && outcome.recorded)) this.afterCommit();
    batch.forEach((item, i) => item.settle(outcomes[i]!));
  }
}

function settle(commit: () => InsertedAppend | null, onError: (error: unknown) => void = () => undefined): AppendOutcome {
  try {
    return { recorded: commit() };
  } catch (error) {
    onError(error);
    return { error };
  }
}

/** An error of the commit itself, as opposed to one of the append's own statements (a constraint, say). */
function isCommitFailure(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return /^SQLITE_(IOERR|FULL|BUSY|LOCKED|NOMEM|CORRUPT|CANTOPEN)/.test(code);
}
