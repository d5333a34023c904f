import type { Database } from 'better-sqlite3';
import type { EventStore, RecordedEvent } from '../../event-store/event-store.port.js';
import { applyBatch, messageOf, type Poison } from './projection-batch.js';
import { type CatalogEntry, type ProjectionCatalog, tableSet } from './projection-catalog.js';
import type { Projection, ProjectionWriter, TableSet } from './projection.js';

/** What a rebuild needs of the runner: the serving generation's checkpoint, and the hand-over. */
export interface RebuildHost {
  /** The serving generation's catalog entry as it is now. */
  serving(): CatalogEntry;
  /**
   * Called once the swap committed: the new generation serves from now on. `retired` is the generation it replaced,
   * whose tables are still there, for readers that may still be on them; the host drops them (`dropGeneration`).
   */
  swapped(entry: CatalogEntry, tables: TableSet, writer: ProjectionWriter, retired: number): void;
  log(message: string): void;
  error(message: string): void;
}

export interface RebuildOptions {
  /** Events per transaction. */
  chunkSize: number;
}

const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Builds a projection afresh into a new generation of tables while the serving generation keeps answering reads
 * and receiving live events. The log is read forwards from the rebuild's own checkpoint (so a rebuild cut short by
 * a crash resumes), one transaction per chunk, yielding to the event loop between chunks, into tables without their
 * secondary indexes, which are built once the first pass has read the log to its end. Once a pass has reached the
 * end at or beyond the serving checkpoint, the new generation is swapped in, in one transaction; the host drops the
 * old tables once no reader can be on them.
 */
export class RebuildJob {
  readonly done: Promise<void>;
  /** Events applied to the new generation, including those applied before a restart. */
  applied: number;
  failure: Poison | null = null;
  outcome: 'running' | 'swapped' | 'failed' | 'stopped' = 'running';
  private readonly startedAt = Date.now();
  private readonly appliedAtStart: number;
  private stopped = false;
  private indexed = false;
  private position: bigint | null;

  constructor(
    private readonly db: Database,
    private readonly catalog: ProjectionCatalog,
    private readonly store: EventStore,
    private readonly projection: Projection,
    readonly generation: number,
    progress: { position: bigint | null; applied: number },
    private readonly host: RebuildHost,
    private readonly options: RebuildOptions,
  ) {
    this.position = progress.position;
    this.applied = progress.applied;
    this.appliedAtStart = progress.applied;
    this.done = this.run();
  }

  /** Events per second applied by this process since the job began. */
  rate(): number {
    const seconds = (Date.now() - this.startedAt) / 1000;
    return seconds > 0 ? (this.applied - this.appliedAtStart) / seconds : 0;
  }

  /** Stops after the current chunk; the rebuild's tables and checkpoint stay, so the next start resumes it. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  private async run(): Promise<void> {
    const writer = this.projection.openWriter(this.db, tableSet(this.projection.name, this.generation));
    let backoff = 100;
    while (!this.stopped) {
      try {
        const from = this.position;
        let chunk: RecordedEvent[] = [];
        for await (const event of this.store.readAll({ fromPosition: from ?? 'start' })) {
          if (from !== null && event.position <= from) continue;
          chunk.push(event);
          if (chunk.length < this.options.chunkSize) continue;
          if (!this.commit(writer, chunk)) return;
          chunk = [];
          await pause();
          if (this.stopped) break;
        }
        if (this.stopped) break;
        if (chunk.length > 0 && !this.commit(writer, chunk)) return;
        backoff = 100;
        if (!this.indexed && !(await this.buildIndexes())) break;
        const serving = this.host.serving().position;
        if (serving === null || (this.position !== null && this.position >= serving)) {
          this.swap(writer);
          return;
        }
        // Live events arrived after this pass read the end of the log: read on from here.
      } catch (error) {
        if (this.stopped) break;
        // Reading the store, or building an index (a disk that is full for a while).
        this.host.error(`rebuild of ${this.projection.name} stopped short (${messageOf(error)}); retrying in ${backoff} ms`);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
    this.outcome = 'stopped';
  }

  /**
   * The new generation was bulk-loaded without its secondary indexes; each is built in one sorted pass once the log
   * has been read to its end, before the catching up and the swap. False when the job was stopped meanwhile. A
   * resumed job may build them again: `IF NOT EXISTS` makes that a no-op.
   */
  private async buildIndexes(): Promise<boolean> {
    const started = Date.now();
    for (const sql of this.projection.indexes(tableSet(this.projection.name, this.generation))) {
      try {
        this.db.exec(sql);
      } catch (error) {
        throw new Error(`could not build an index: ${messageOf(error)}`);
      }
      await pause();
      if (this.stopped) return false;
    }
    this.indexed = true;
    this.host.log(`rebuild of ${this.projection.name} built the indexes of generation ${this.generation} in ${Date.now() - started} ms`);
    return true;
  }

  private commit(writer: ProjectionWriter, chunk: RecordedEvent[]): boolean {
    const name = this.projection.name;
    const outcome = applyBatch(this.db, writer, chunk, (position, events) => this.catalog.advanceRebuildTo(name, position, events));
    if (outcome.last !== null) this.position = outcome.last;
    this.applied += outcome.applied;
    if (!outcome.poison) return true;
    const { event, message } = outcome.poison;
    this.failure = outcome.poison;
    this.outcome = 'failed';
    // The new generation cannot be completed: drop it, the serving one stays as it was.
    this.db.transaction(() => {
      this.catalog.dropGeneration(name, this.generation);
      this.catalog.put({ ...this.host.serving(), rebuild: null });
    })();
    this.host.error(`rebuild of ${name} refused the event at position ${event.position} (type ${event.type}, stream ${event.streamId}): ${message}; the rebuild was abandoned`);
    return false;
  }

  private swap(writer: ProjectionWriter): void {
    const name = this.projection.name;
    const old = this.host.serving();
    const entry: CatalogEntry = {
      ...old,
      generation: this.generation,
      position: this.position,
      applied: this.applied,
      status: 'live',
      error: null,
      building: false,
      rebuild: null,
    };
    this.catalog.put(entry);
    this.outcome = 'swapped';
    this.host.swapped(entry, tableSet(name, this.generation), writer, old.generation);
    this.host.log(`rebuild of ${name} swapped in generation ${this.generation} at position ${this.position ?? 'none'} (${this.applied} events)`);
  }
}
