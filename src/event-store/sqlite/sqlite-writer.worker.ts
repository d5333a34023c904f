import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { insertAppend } from './append-insert.js';
import { commitChannel } from './commit-channel.js';
import { EventQueries } from './event-queries.js';
import { GroupCommit, type AppendOutcome } from './group-commit.js';
import type { WriteReply, WriteRequest, WriterThreadOptions } from './writer-thread.js';

/** The writer thread of `WriterThread`: its own connection, the same group commit as the in-thread writer. */
const { filename, synchronous } = workerData as WriterThreadOptions;
const port = parentPort!;
const db = new Database(filename);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${synchronous}`);
db.pragma('busy_timeout = 5000');
const queries = new EventQueries(db);
// Read-only followers of the file in other threads wake at once, before the appends are even answered.
const commits = commitChannel(filename);
const groupCommit = new GroupCommit(db, (append) => insertAppend(queries, append), () => commits.postMessage(null));

function reply(id: number, outcome: AppendOutcome): WriteReply {
  if ('recorded' in outcome) return { id, recorded: outcome.recorded };
  const error = outcome.error as { message?: unknown; code?: unknown };
  return { id, error: { message: String(error?.message ?? error), ...(typeof error?.code === 'string' ? { code: error.code } : {}) } };
}

const answering = new Set<Promise<void>>();

port.on('message', (message: WriteRequest[] | 'close') => {
  if (message === 'close') {
    // Whatever was sent before is committed and answered before the connection closes.
    groupCommit.flush();
    void Promise.all(answering).then(() => {
      db.close();
      commits.close();
      port.close();
    });
    return;
  }
  const answered = Promise.all(message.map(({ id, append }) => groupCommit.submit(append).then((outcome) => reply(id, outcome)))).then((replies) => {
    port.postMessage(replies);
    answering.delete(answered);
  });
  answering.add(answered);
});
