import { hash, randomUUID } from 'node:crypto';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { tracer, tracingOn } from '../common/tracing.js';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../event-store/event-store.errors.js';
import type { EventStore, NewEvent, RecordedEvent } from '../event-store/event-store.port.js';
import type { JsonObject } from '../common/json.js';
import type { DecisionContext, DecisionOutcome } from './decision.js';
import { IdempotencyKeyReusedError, RevisionMismatchError } from './decision-errors.js';
import { chained, GENESIS_HASH, recordedHash } from '../integrity/event-hash.js';
import { eventMetadata } from './event-metadata.js';
import { KeyedMutex } from './keyed-mutex.js';
import type { SnapshotStore } from './snapshot-store.js';
import { type IdempotentOutcome, StreamStateCache, type StreamSnapshot } from './stream-state-cache.js';

/** A decider as the loop needs it: pure functions over plain events. */
export interface Decider<Command, Event extends { type: string; data: JsonObject }, State> {
  initialState: State;
  evolve(state: State, event: Event): State;
  /** The checks that come before `If-Match` (API.md's order): existence, conclusion. */
  precheck(command: Command, state: State): void;
  decide(command: Command, state: State): Event[];
  /**
   * A recorded event in the current shape of its type: older recorded shapes are upcast before the fold sees them
   * (the same event object when it is current).
   */
  upcast(event: RecordedEvent): RecordedEvent;
  /** The version of its type's shape a new event is recorded in (its metadata's `schemaVersion`). */
  schemaVersion(type: string): number;
  /** How heavy a state is to hold in memory, in the unit of `CommandLoopOptions.cacheWeight` (a programme: its teams). */
  weigh?(state: State): number;
  /** How a state is saved and read back; a decider without it is never snapshotted. */
  snapshots?: SnapshotCodec<State>;
}

export interface SnapshotCodec<State> {
  /** The version of the snapshot's shape and of the fold: snapshots of another version are ignored. */
  version: number;
  /** The state as text, or null when there is nothing worth saving. */
  write(state: State): string | null;
  read(text: string): State;
}

export interface CommandLoopOptions {
  /** The total weight (see `Decider.weigh`) of the folded states kept in memory. Default 500,000. */
  cacheWeight?: number;
  /** Snapshots of folded states, saved every `every` events of a stream. */
  snapshots?: { store: SnapshotStore; every: number };
  /** Where a snapshot that could not be read or saved is reported: the decisions go on without it. */
  warn?: (message: string) => void;
  /** Told of every append and every conflict (the metrics). */
  observer?: CommandLoopObserver;
}

/** What the loop reports as it goes: how appends went and why a decision was taken again. */
export interface CommandLoopObserver {
  /** One append to the store and how long it took. */
  appended(seconds: number, outcome: 'ok' | 'conflict' | 'unavailable' | 'error'): void;
  /** A decision taken again: on the re-read state after a conflict, or an append retried after an outage. */
  retried(cause: 'conflict' | 'unavailable'): void;
}

type Decision<Event> = { replay: DecisionOutcome } | { events: Event[] };

export interface Clock {
  now(): Date;
}

/** Namespace of the UUID v5 event ids derived from command ids. */
const EVENT_ID_NAMESPACE = '6f1d8a52-3c0e-4f3a-9a57-3f3d6c1e2b90';
const MAX_ATTEMPTS = 8;
const OUTAGE_ATTEMPTS = 4;
const EVENT_ID_NAMESPACE_BYTES = Buffer.from(EVENT_ID_NAMESPACE.replaceAll('-', ''), 'hex');

/**
 * UUID v5 (RFC 9562: SHA-1 of namespace and name, version and variant bits set), the same ids as `uuid`'s v5, which
 * converts the name to bytes in JavaScript and cost about 2% of the server's CPU under the decisions benchmark.
 * One-shot `crypto.hash` over namespace and name in one buffer: a `Hash` object per event id costs more.
 */
export function uuidv5(name: string): string {
  const digest = hash('sha1', Buffer.concat([EVENT_ID_NAMESPACE_BYTES, Buffer.from(name, 'utf8')]), 'buffer');
  digest[6] = (digest[6]! & 0x0f) | 0x50;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const hex = digest.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The one read–fold–decide–append–retry loop every decision goes through.
 * - Decisions on one stream are serialised in this process, so they do not race each other for nothing; a conflict
 *   can still come from another process on the same store, and is then absorbed by re-reading and re-deciding.
 * - The folded state is cached per stream with its revision; a decision is taken on it without a read, and the
 *   append's expected revision holds it there (a conflict reads only the events the cache has not seen).
 * - Every `every` events a stream's state is saved as a snapshot, with the idempotency keys of the events it covers;
 *   a stream not in the cache is folded on from its snapshot, so a cold start reads at most `every` events of it.
 * - Idempotency keys live in the stream's own event metadata: a replay answers the first outcome again.
 * - Event ids derive from the command id, so an append retried after a lost answer is idempotent in the store.
 */
export class CommandLoop<Command, Event extends { type: string; data: JsonObject }, State> {
  private readonly cache: StreamStateCache<State>;
  private readonly mutex = new KeyedMutex();
  /** Snapshots due, by stream, saved one per turn of the event loop once the decisions that made them due are answered. */
  private readonly snapshotsDue = new Map<string, StreamSnapshot<State>>();

  constructor(
    private readonly store: EventStore,
    private readonly decider: Decider<Command, Event, State>,
    private readonly clock: Clock,
    private readonly options: CommandLoopOptions = {},
  ) {
    const weigh = decider.weigh;
    this.cache = new StreamStateCache(options.cacheWeight ?? 500_000, (snapshot) => (weigh ? weigh(snapshot.state) : 1) + snapshot.keys.held.size);
  }

  handle(streamId: string, command: Command, context: DecisionContext): Promise<DecisionOutcome> {
    return this.mutex.run(streamId, () => this.decideWithRetries(streamId, command, context));
  }

  private async decideWithRetries(streamId: string, command: Command, context: DecisionContext): Promise<DecisionOutcome> {
    // A keyed command's id derives from the key and the request's fingerprint: the same request sent twice makes the
    // same event ids (so the store sees a retry), while another request under the same key cannot pass for it.
    const commandId = context.idempotency
      ? uuidv5(`${streamId}\n${context.idempotency.key}\n${context.idempotency.fingerprint}`)
      : randomUUID();
    const occurredAt = context.effectiveAt ? new Date(context.effectiveAt).toISOString() : this.clock.now().toISOString();
    for (let attempt = 1; ; attempt++) {
      // The first attempt decides on the state this process folded last, without reading the stream: decisions on a
      // stream are serialised here, so only another process can have moved it since, and then the append's expected
      // revision refuses the decision and the next attempt reads. A refusal is never given on a state not read now:
      // the stream is read, and the command decided again, first.
      const cached = attempt === 1 ? this.cache.get(streamId) : undefined;
      let snapshot = cached ?? (await this.catchUp(streamId));
      let decision: Decision<Event>;
      try {
        decision = this.decideOn(snapshot, streamId, command, context);
      } catch (refusal) {
        if (!cached) throw refusal;
        snapshot = await this.catchUp(streamId);
        decision = this.decideOn(snapshot, streamId, command, context);
      }
      if ('replay' in decision) return decision.replay;
      // Each event is chained to the one before it in the stream: its metadata's prevHash and hash (see event-hash.ts).
      const events: NewEvent[] = chained(
        streamId,
        snapshot.revision + 1,
        snapshot.last?.hash ?? GENESIS_HASH,
        decision.events.map((event, index) => ({
          eventId: uuidv5(`${commandId}/${index}`),
          type: event.type,
          data: event.data,
          metadata: eventMetadata(context, commandId, occurredAt, this.decider.schemaVersion(event.type)),
        })),
      );
      try {
        const result = await this.appendSurvivingOutages(streamId, events, snapshot.revision < 0 ? 'no-stream' : snapshot.revision);
        this.remember(streamId, this.fold(snapshot, result.events));
        // The store found these very events recorded already: another process took this keyed request first.
        return outcome(result.events, result.alreadyRecorded === true);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS) throw error;
        // Another writer got there first: back off a little (jittered) and decide again on the new state.
        this.options.observer?.retried('conflict');
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 ** attempt));
      }
    }
  }

  /**
   * An append that failed as unavailable may still have been written; the same events at the same expected revision
   * are idempotent on every store, so it is retried as it is rather than handed back to a client that might retry a
   * decision without a key and take it twice.
   */
  private async appendSurvivingOutages(streamId: string, events: NewEvent[], expectedRevision: number | 'no-stream') {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.observedAppend(streamId, events, expectedRevision);
        // Found recorded on a second attempt, the events are most likely this decision's own first attempt's.
        return attempt > 1 ? { ...result, alreadyRecorded: false } : result;
      } catch (error) {
        if (!(error instanceof EventStoreUnavailableError) || attempt >= OUTAGE_ATTEMPTS) throw error;
        this.options.observer?.retried('unavailable');
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  }

  /** One append, timed for the metrics and, when tracing is on, a span of its own under the decision's. */
  private async observedAppend(streamId: string, events: NewEvent[], expectedRevision: number | 'no-stream') {
    const observer = this.options.observer;
    const started = performance.now();
    const span = tracingOn() ? tracer.startSpan('eventstore.append', { kind: SpanKind.CLIENT, attributes: { 'docket.stream': streamId, 'docket.events': events.length } }) : null;
    try {
      const result = await this.store.append(streamId, events, { expectedRevision });
      observer?.appended((performance.now() - started) / 1000, 'ok');
      span?.setAttribute('docket.position', result.position.toString());
      return result;
    } catch (error) {
      const outcome = error instanceof WrongExpectedRevisionError ? 'conflict' : error instanceof EventStoreUnavailableError ? 'unavailable' : 'error';
      observer?.appended((performance.now() - started) / 1000, outcome);
      span?.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      throw error;
    } finally {
      span?.end();
    }
  }

  /** The cached state of the stream (else its snapshot, else nothing) brought up to date with the events appended since. */
  private async catchUp(streamId: string): Promise<StreamSnapshot<State>> {
    const cached = this.cache.get(streamId) ?? (await this.restore(streamId));
    const newer: RecordedEvent[] = [];
    for await (const event of this.store.readStream(streamId, { fromRevision: cached.revision + 1 })) newer.push(event);
    return this.remember(streamId, newer.length === 0 ? cached : this.fold(cached, newer));
  }

  /** The stream's latest snapshot, if it still matches the stream; else the stream before its first event. */
  private async restore(streamId: string): Promise<StreamSnapshot<State>> {
    const empty: StreamSnapshot<State> = { revision: -1, last: null, state: this.decider.initialState, keys: { held: new Map(), savedUpTo: -1 } };
    const codec = this.decider.snapshots;
    const snapshots = this.options.snapshots?.store;
    if (!codec || !snapshots) return empty;
    try {
      const stored = snapshots.load(streamId, codec.version);
      if (!stored) return empty;
      // Taken of this stream only if the event it was taken at is still there: not of a store since replaced. (The hash
      // chain of tamper evidence will make this exact: today a store replaced by one where the same keyed request
      // lands at the same revision and position, after other unkeyed history, would pass.)
      let atSnapshot: RecordedEvent | undefined;
      for await (const event of this.store.readStream(streamId, { fromRevision: stored.revision, maxCount: 1 })) atSnapshot = event;
      if (atSnapshot?.eventId !== stored.eventId || atSnapshot.position !== stored.position) {
        this.options.warn?.(`The snapshot of ${streamId} at revision ${stored.revision} does not match the stream; it is dropped and the stream folded from its start.`);
        // A save still queued was folded from the same snapshot: it must not bring it back.
        this.snapshotsDue.delete(streamId);
        snapshots.forget(streamId);
        return empty;
      }
      const state = codec.read(stored.state);
      const last = { eventId: stored.eventId, position: stored.position, hash: recordedHash(atSnapshot) };
      return { revision: stored.revision, last, state, keys: { held: new Map(), savedUpTo: stored.revision } };
    } catch (error) {
      if (error instanceof EventStoreUnavailableError) throw error;
      this.options.warn?.(`The snapshot of ${streamId} could not be read (${(error as Error).message}); the stream is folded from its start.`);
      return empty;
    }
  }

  /** Caches the folded stream, and has its snapshot saved when `every` events have been folded since the last one. */
  private remember(streamId: string, snapshot: StreamSnapshot<State>): StreamSnapshot<State> {
    this.cache.set(streamId, snapshot);
    const every = this.options.snapshots?.every;
    if (every !== undefined && this.decider.snapshots && snapshot.revision - snapshot.keys.savedUpTo >= every && !this.snapshotsDue.has(streamId)) {
      // The state is persistent: taken now, it is written once the decision that made it due has been answered.
      this.snapshotsDue.set(streamId, snapshot);
      if (this.snapshotsDue.size === 1) setImmediate(() => this.saveNextSnapshot());
    }
    return snapshot;
  }

  /**
   * Saves the oldest snapshot due, and leaves the next to the next turn of the event loop: a large programme's
   * snapshot takes milliseconds to write, and programmes that grew together fall due together; saved all at once they
   * held every request behind them for hundreds of milliseconds (20 programmes of 10,000 teams: 300 ms).
   */
  private saveNextSnapshot(): void {
    const next = this.snapshotsDue.entries().next();
    if (next.done) return;
    const [streamId, snapshot] = next.value;
    this.saveSnapshot(streamId, snapshot);
    this.snapshotsDue.delete(streamId);
    if (this.snapshotsDue.size > 0) setImmediate(() => this.saveNextSnapshot());
  }

  private saveSnapshot(streamId: string, snapshot: StreamSnapshot<State>): void {
    const codec = this.decider.snapshots!;
    const { store } = this.options.snapshots!;
    if (snapshot.last === null) return;
    try {
      const state = codec.write(snapshot.state);
      if (state === null) return;
      // The keys held are the stream's as they are now: with keys of later events too, which are the stream's as well.
      const { eventId, position } = snapshot.last;
      store.save(streamId, codec.version, { revision: snapshot.revision, eventId, position, state }, snapshot.keys.held);
    } catch (error) {
      this.options.warn?.(`The snapshot of ${streamId} at revision ${snapshot.revision} could not be saved (${(error as Error).message}).`);
      return;
    }
    // Every key held is saved now, and need not be held any more.
    snapshot.keys.held.clear();
    snapshot.keys.savedUpTo = Math.max(snapshot.keys.savedUpTo, snapshot.revision);
  }

  private fold(snapshot: StreamSnapshot<State>, events: RecordedEvent[]): StreamSnapshot<State> {
    // The key index is updated in place: only committed events reach it, and the stream's mutex keeps it to one user.
    let state = snapshot.state;
    for (const recorded of events) {
      // The decider knows only the current shape of each event type; older recorded shapes are upcast first.
      const event = this.decider.upcast(recorded);
      state = this.decider.evolve(state, { type: event.type, data: event.data } as Event);
      const key = event.metadata['idempotencyKey'];
      if (typeof key !== 'string') continue;
      const seen = snapshot.keys.held.get(key) ?? { fingerprint: String(event.metadata['requestFingerprint']), events: [] };
      // A fold interrupted half-way is folded again from its last complete revision: never list an event twice.
      if ((seen.events.at(-1)?.revision ?? -1) < event.revision) seen.events.push({ type: event.type, revision: event.revision, position: event.position });
      snapshot.keys.held.set(key, seen);
    }
    const last = events[events.length - 1]!;
    return { revision: last.revision, last: { eventId: last.eventId, position: last.position, hash: recordedHash(last) }, state, keys: snapshot.keys };
  }

  /** The events the command decides on `snapshot`, or the first outcome again for a key seen before; throws a refusal. */
  private decideOn(snapshot: StreamSnapshot<State>, streamId: string, command: Command, context: DecisionContext): Decision<Event> {
    const replay = this.replayOf(snapshot, streamId, context);
    if (replay) return { replay };
    this.decider.precheck(command, snapshot.state);
    if (context.ifMatchRevision !== undefined && context.ifMatchRevision !== snapshot.revision) {
      throw new RevisionMismatchError(snapshot.revision, context.ifMatchRevision);
    }
    return { events: this.decider.decide(command, snapshot.state) };
  }

  private replayOf(snapshot: StreamSnapshot<State>, streamId: string, context: DecisionContext): DecisionOutcome | null {
    if (!context.idempotency) return null;
    const { key, fingerprint } = context.idempotency;
    // The keys of the events up to the last snapshot are saved with it, not held in memory.
    const seen: IdempotentOutcome | null | undefined =
      snapshot.keys.held.get(key) ?? (snapshot.keys.savedUpTo >= 0 ? this.options.snapshots?.store.findKey(streamId, key) : null);
    if (!seen) return null;
    if (seen.fingerprint !== fingerprint) {
      throw new IdempotencyKeyReusedError();
    }
    return outcome(seen.events, true);
  }
}

function outcome(events: ReadonlyArray<Pick<RecordedEvent, 'type' | 'revision' | 'position'>>, replayed: boolean): DecisionOutcome {
  const last = events[events.length - 1]!;
  return {
    replayed,
    revision: last.revision,
    position: last.position.toString(),
    events: events.map((event) => ({ type: event.type, revision: event.revision, position: event.position.toString() })),
  };
}
