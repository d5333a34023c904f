import type { ReadModelAccess } from '../projection.js';

/** Waits until the projection has applied `minPosition`, if the client gave one; the runner's 503 propagates. */
export async function awaitMinPosition(access: ReadModelAccess, projection: string, minPosition: string | undefined): Promise<void> {
  if (minPosition !== undefined) await access.waitForPosition(projection, BigInt(minPosition));
}
