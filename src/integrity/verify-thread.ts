import type { AppConfig } from '../config/app-config.js';
import { startWorker } from '../threads/start-worker.js';
import type { SignedCheckpoint } from './checkpoint.js';
import { UntrustedCheckpointError, type VerificationReport } from './log-verifier.js';

export interface VerifyThreadData {
  config: AppConfig;
  publicKeyPem: string;
  trusted: readonly SignedCheckpoint[];
}

export type FromVerifyThread =
  | { kind: 'progress'; checked: number }
  | { kind: 'done'; report: VerificationReport }
  | { kind: 'failed'; message: string; untrusted: boolean };

/**
 * Verifies the whole log (see `verifyLog`) in a worker thread with its own connection to the event store: hashing a
 * million events takes seconds of CPU, which the HTTP thread must not lose.
 */
export function verifyInThread(data: VerifyThreadData, progress?: (checked: number) => void): Promise<VerificationReport> {
  const worker = startWorker(import.meta.url, 'verify.worker', { workerData: data, name: 'verify' });
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.on('message', (message: FromVerifyThread) => {
      if (message.kind === 'progress') progress?.(message.checked);
      else {
        settled = true;
        if (message.kind === 'done') resolve(message.report);
        else reject(message.untrusted ? new UntrustedCheckpointError(message.message) : new Error(message.message));
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the verification thread exited with code ${code}`));
    });
  });
}
