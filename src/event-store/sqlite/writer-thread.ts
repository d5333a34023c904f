import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../threads/start-worker.js';
import type { InsertedAppend, PendingAppend } from './append-insert.js';
import type { AppendOutcome, AppendWriter } from './group-commit.js';

export interface WriterThreadOptions {
  filename: string;
  synchronous: 'FULL' | 'NORMAL';
}

/** What goes to the writer thread: strings only, so that copying it across costs little. */
export interface WriteRequest {
  id: number;
  append: PendingAppend;
}

export type WriteReply = { id: number; recorded: InsertedAppend | null } | { id: number; error: { message: string; code?: string } };

/** An error code of our own for appends the writer thread can no longer take; the store reports it as unavailable. */
export const WRITER_STOPPED = 'SQLITE_CANTOPEN_WRITER_STOPPED';

/**
 * Commits appends in a worker thread with a connection of its own, so that the commit (its fsync above all) no
 * longer holds up the event loop: the HTTP work of the next decisions goes on while the last ones are written. The
 * appends that arrive within one turn of the event loop travel as one message; the worker group-commits what it
 * receives (`GroupCommit`, the same code as in-thread) and answers each append once its commit is on disk. The
 * store keeps reading through its own connection: WAL lets a reader see every commit the writer made before it
 * answered.
 */
export class WriterThread implements AppendWriter {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, (outcome: AppendOutcome) => void>();
  private readonly exited: Promise<void>;
  private queue: WriteRequest[] = [];
  private scheduled = false;
  private nextId = 0;
  private stopped: Error | null = null;

  constructor(
    options: WriterThreadOptions,
    private readonly afterCommit: () => void,
  ) {
    this.worker = startWorker(import.meta.url, 'sqlite-writer.worker', { workerData: options });
    this.worker.on('message', (replies: WriteReply[]) => this.settle(replies));
    this.worker.on('error', (error) => this.stop(error));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', () => {
        this.stop(new Error('the writer thread of the embedded event store stopped'));
        resolve();
      }),
    );
    // The thread keeps the process alive only while an append waits for it, so a store that is never closed (an
    // application whose start-up failed after creating it) does not hold the process open. After the listeners:
    // adding a 'message' listener refs the worker's port again.
    this.worker.unref();
  }

  submit(append: PendingAppend): Promise<AppendOutcome> {
    if (this.stopped) return Promise.resolve({ error: this.stopped });
    return new Promise((resolve) => {
      const id = this.nextId++;
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, resolve);
      const events = append.events.map(({ eventId, type, data, metadata }) => ({ eventId, type, data, metadata }));
      this.queue.push({ id, append: { streamId: append.streamId, events, expected: append.expected } });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.post());
      }
    });
  }

  async close(): Promise<void> {
    this.post();
    if (!this.stopped) {
      this.worker.ref();
      this.worker.postMessage('close');
    }
    await this.exited;
  }

  private post(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length > 0 && !this.stopped) this.worker.postMessage(batch);
  }

  private settle(replies: WriteReply[]): void {
    if (replies.some((reply) => 'recorded' in reply && reply.recorded)) this.afterCommit();
    for (const reply of replies) {
      const resolve = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      resolve?.('error' in reply ? { error: Object.assign(new Error(reply.error.message), { code: reply.error.code }) } : { recorded: reply.recorded });
    }
    if (this.waiting.size === 0) this.worker.unref();
  }

  /** Every append still waiting fails, as unavailable: it may or may not have been committed. */
  private stop(error: Error): void {
    if (this.stopped) return;
    this.stopped = Object.assign(new Error(`the embedded event store cannot write now: ${error.message}`, { cause: error }), { code: WRITER_STOPPED });
    for (const resolve of this.waiting.values()) resolve({ error: this.stopped });
    this.waiting.clear();
    this.queue = [];
  }
}
