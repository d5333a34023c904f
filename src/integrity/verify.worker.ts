import { createPublicKey } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { createEventStore } from '../event-store/event-store.module.js';
import { UntrustedCheckpointError, verifyLog } from './log-verifier.js';
import type { VerifyThreadData, FromVerifyThread } from './verify-thread.js';

/** A verification in a thread of its own (see `verifyInThread`): it reads the log through a connection of its own. */
const { config, publicKeyPem, trusted } = workerData as VerifyThreadData;
const post = (message: FromVerifyThread) => parentPort!.postMessage(message);
const store = createEventStore(config, { readOnly: true });
try {
  const report = await verifyLog(store, createPublicKey(publicKeyPem), { trusted, progress: (checked) => post({ kind: 'progress', checked }) });
  post({ kind: 'done', report });
} catch (error) {
  post({ kind: 'failed', message: (error as Error).message, untrusted: error instanceof UntrustedCheckpointError });
} finally {
  await store.close();
}
