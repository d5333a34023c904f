import type { ReadModelAccess } from './projection.js';

/** How long a read waits for its read model in all, before its 503. */
const READ_WAIT_MS = 5000;

/**
 * Before a read of a projection's tables: waits until the projection serves (a generation being built from nothing
 * answers no read until it is complete), then until it has applied `minPosition` if the client gave one; 5 s in all,
 * then the runner's 503.
 */
export async function awaitReadModel(access: ReadModelAccess, projection: string, minPosition: string | undefined): Promise<void> {
  const deadline = Date.now() + READ_WAIT_MS;
  await access.waitUntilServing(projection, READ_WAIT_MS);
  if (minPosition !== undefined) await access.waitForPosition(projection, BigInt(minPosition), Math.max(0, deadline - Date.now()));
}
