import { Injectable } from '@nestjs/common';

/**
 * Timings of the feed. Read when a connection opens, so tests (and an operator's future configuration) can change
 * them on the running app without touching the connections already open.
 */
@Injectable()
export class FeedSettings {
  /** A comment line this often keeps proxies and load balancers from closing a quiet connection. */
  heartbeatMs = 15_000;
  /**
   * How long a consumer may leave its socket full (the kernel's and Node's buffers: `res.write` returned false)
   * before it is disconnected; it resumes later with `Last-Event-ID`.
   */
  drainTimeoutMs = 30_000;
  /** The SSE `retry:` sent first: how long a browser's EventSource waits before reconnecting. */
  retryMs = 1_000;
  /**
   * The live tail shared by all connections keeps this many recent events (and at most this many bytes of their
   * messages); a consumer further behind reads from the store instead, which costs it, not the others.
   */
  tailEntries = 10_000;
  tailBytes = 32 * 1024 * 1024;
}
