/**
 * The in-memory log behind the EventStoreDB test fixture: one global log (`$all`) and an index per stream, with
 * EventStoreDB's expected-revision checks and idempotency rules. Knows nothing about gRPC.
 */

/** An event as stored. `position` is both the commit and the prepare position (see the server's header comment). */
export interface StoredEvent {
  streamName: string;
  /** Index of the event in its stream, from 0. */
  revision: bigint;
  position: bigint;
  eventId: string;
  type: string;
  contentType: string;
  /** .NET ticks since the Unix epoch (milliseconds × 10,000), as the `created` metadata key carries them. */
  created: bigint;
  data: Uint8Array;
  metadata: Uint8Array;
}

export interface ProposedEvent {
  eventId: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
}

export type ExpectedRevision =
  | { kind: 'any' }
  | { kind: 'no_stream' }
  | { kind: 'stream_exists' }
  | { kind: 'revision'; revision: bigint };

export type AppendOutcome =
  | {
      kind: 'success';
      /** Revision of the stream's last event after the append; null when the stream still does not exist. */
      currentRevision: bigint | null;
      /** Position of the batch's last event; null when nothing was (or had been) written. */
      position: bigint | null;
      /** The events written by this call: empty when the append was an idempotent repeat. */
      written: StoredEvent[];
    }
  | { kind: 'wrong_expected_version'; currentRevision: bigint | null };

export class EventLog {
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly listeners = new Set<() => void>();
  private lastPosition = 0n;

  constructor(private readonly positionStep: bigint) {}

  /** The global log in position order. */
  get all(): readonly StoredEvent[] {
    return this.log;
  }

  /** A stream's events in revision order, or undefined when the stream does not exist. */
  stream(name: string): readonly StoredEvent[] | undefined {
    return this.streams.get(name);
  }

  get headPosition(): bigint {
    return this.lastPosition;
  }

  /** Calls `listener` after every append that wrote something; returns the unsubscribe function. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(streamName: string, expected: ExpectedRevision, proposed: readonly ProposedEvent[]): AppendOutcome {
    const stream = this.streams.get(streamName) ?? [];
    const current = stream.length === 0 ? null : BigInt(stream.length - 1);

    const repeat = this.idempotentRepeat(stream, expected, proposed);
    if (repeat === 'corrupted') return { kind: 'wrong_expected_version', currentRevision: current };
    if (repeat) return { kind: 'success', currentRevision: repeat.revision, position: repeat.position, written: [] };

    const satisfied =
      expected.kind === 'any' ||
      (expected.kind === 'no_stream' && current === null) ||
      (expected.kind === 'stream_exists' && current !== null) ||
      (expected.kind === 'revision' && current === expected.revision);
    if (!satisfied) return { kind: 'wrong_expected_version', currentRevision: current };
    if (proposed.length === 0) return { kind: 'success', currentRevision: current, position: null, written: [] };

    const created = BigInt(Date.now()) * 10_000n;
    const written = proposed.map((event) => {
      this.lastPosition += this.positionStep;
      const stored: StoredEvent = {
        ...event,
        streamName,
        revision: BigInt(stream.length),
        position: this.lastPosition,
        created,
      };
      stream.push(stored);
      this.log.push(stored);
      return stored;
    });
    this.streams.set(streamName, stream);
    for (const listener of [...this.listeners]) listener();
    const last = written[written.length - 1]!;
    return { kind: 'success', currentRevision: last.revision, position: last.position, written };
  }

  /**
   * EventStoreDB's idempotency: when the proposed ids are exactly the events found where the append would have put
   * them (after the expected revision; at 0 for `no_stream`; where the first id already is for `any`/`stream_exists`),
   * the append succeeds again without writing. A partial match under `any`/`stream_exists` is "corrupted
   * idempotency", reported as a wrong expected version. (A real server remembers ids for `any` only for a while;
   * this fixture forever.)
   */
  private idempotentRepeat(
    stream: readonly StoredEvent[],
    expected: ExpectedRevision,
    proposed: readonly ProposedEvent[],
  ): StoredEvent | 'corrupted' | undefined {
    if (proposed.length === 0) return undefined;
    const start =
      expected.kind === 'revision'
        ? Number(expected.revision) + 1
        : expected.kind === 'no_stream'
          ? 0
          : stream.findIndex((event) => event.eventId === proposed[0]!.eventId);
    if (start < 0 || start >= stream.length) return undefined;
    const matching = proposed.filter((event, i) => stream[start + i]?.eventId === event.eventId).length;
    if (matching === proposed.length) return stream[start + proposed.length - 1];
    return expected.kind === 'any' || expected.kind === 'stream_exists' ? 'corrupted' : undefined;
  }
}
