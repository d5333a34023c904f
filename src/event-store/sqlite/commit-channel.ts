import { resolve } from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';

/**
 * Whoever commits appends to a database file (the writer thread, or an in-process writer) says so on this channel,
 * once per commit, so that read-only followers of the file in other threads of the process wake their subscriptions
 * at once, as the writing store wakes its own. A message carries nothing: followers read the log themselves.
 */
export function commitChannel(filename: string): BroadcastChannel {
  const channel = new BroadcastChannel(`docket-sqlite-commits:${resolve(filename)}`);
  // A channel alone never holds a process or a thread open.
  channel.unref();
  return channel;
}
