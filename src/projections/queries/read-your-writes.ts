import type { ReadModelAccess } from '../projection.js';

/**
 * Before a read of a projection's tables: waits until the projection serves (a generation being built from nothing
 * answers no reads until it is complete), then until it has applied `minPosition` if the client gave one. Either wait
 * ends in the runner's 503 after 5 s.
 */
export async function awaitReadModel(access: ReadModelAccess, projection: string, minPosition: string | undefined): Promise<void> {
  await access.waitUntilServing(projection);
  if (minPosition !== undefined) await access.waitForPosition(projection, BigInt(minPosition));
}
