import type Database from 'better-sqlite3';
import type { ExpectedRevision, RecordedEvent } from '../event-store.port.js';
import type { SerialisedEvent } from '../event-store.input.js';

export interface PendingAppend {
  streamId: string;
  events: SerialisedEvent[];
  expected: ExpectedRevision;
}

/** What became of one append of a batch: its events, null when the stream was not as expected, or its error. */
export type AppendOutcome = { recorded: RecordedEvent[] | null } | { error: unknown };

/**
 * Commits the appends that arrive within one turn of the event loop together: one transaction, one fsync. Each
 * append runs in a savepoint of its own (better-sqlite3 nests transactions as savepoints), so one that fails or
 * finds its stream moved leaves the others untouched, and none is ever torn. An append is acknowledged only after
 * the commit that holds it; with `synchronous=FULL` that commit is on disk. Under concurrent load this turns many
 * fsyncs into one; alone, an append waits for nothing but the next tick.
 */
export class GroupCommit {
  private queue: Array<{ append: PendingAppend; settle: (outcome: AppendOutcome) => void }> = [];
  private scheduled = false;
  private readonly commitAlone: (append: PendingAppend) => RecordedEvent[] | null;
  private readonly commitBatch: (batch: PendingAppend[]) => AppendOutcome[];

  constructor(
    db: Database.Database,
    insert: (append: PendingAppend) => RecordedEvent[] | null,
    private readonly afterCommit: () => void,
  ) {
    // Called inside another transaction, a better-sqlite3 transaction function runs as a savepoint.
    const inTransaction = db.transaction(insert);
    // Alone in its batch, an append needs no savepoint: if it fails, the whole transaction is its own. A single
    // event is a single INSERT, atomic as an autocommit statement without BEGIN and COMMIT around it.
    this.commitAlone = (append) => (append.events.length === 1 ? insert(append) : inTransaction(append));
    this.commitBatch = db.transaction((batch: PendingAppend[]) =>
      batch.map((append) =>
        settle(() => inTransaction(append), (error) => {
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

function settle(commit: () => RecordedEvent[] | null, onError: (error: unknown) => void = () => undefined): AppendOutcome {
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
