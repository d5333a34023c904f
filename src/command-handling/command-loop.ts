import { hash, randomUUID } from 'node:crypto';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../event-store/event-store.errors.js';
import type { EventStore, NewEvent, RecordedEvent } from '../event-store/event-store.port.js';
import type { JsonObject } from '../event-store/json.js';
import { upcast } from '../program/program.upcasters.js';
import { ProblemError } from '../http/problem.js';
import type { DecisionContext, DecisionOutcome } from './decide-on-program.command.js';
import { eventMetadata } from './event-metadata.js';
import { KeyedMutex } from './keyed-mutex.js';
import { StreamStateCache, type StreamSnapshot } from './stream-state-cache.js';

/** A decider as the loop needs it: pure functions over plain events. */
export interface Decider<Command, Event extends { type: string; data: JsonObject }, State> {
  initialState: State;
  evolve(state: State, event: Event): State;
  /** The checks that come before `If-Match` (API.md's order): existence, conclusion. */
  precheck(command: Command, state: State): void;
  decide(command: Command, state: State): Event[];
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
 * - Idempotency keys live in the stream's own event metadata: a replay answers the first outcome again.
 * - Event ids derive from the command id, so an append retried after a lost answer is idempotent in the store.
 */
export class CommandLoop<Command, Event extends { type: string; data: JsonObject }, State> {
  private readonly cache: StreamStateCache<State>;
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly store: EventStore,
    private readonly decider: Decider<Command, Event, State>,
    private readonly clock: Clock,
    cacheSize = 10_000,
  ) {
    this.cache = new StreamStateCache(cacheSize);
  }

  handle(streamId: string, programId: string, command: Command, context: DecisionContext): Promise<DecisionOutcome> {
    return this.mutex.run(streamId, () => this.decideWithRetries(streamId, programId, command, context));
  }

  private async decideWithRetries(streamId: string, programId: string, command: Command, context: DecisionContext): Promise<DecisionOutcome> {
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
        decision = this.decideOn(snapshot, command, context, programId);
      } catch (refusal) {
        if (!cached) throw refusal;
        snapshot = await this.catchUp(streamId);
        decision = this.decideOn(snapshot, command, context, programId);
      }
      if ('replay' in decision) return decision.replay;
      const events: NewEvent[] = decision.events.map((event, index) => ({
        eventId: uuidv5(`${commandId}/${index}`),
        type: event.type,
        data: event.data,
        metadata: eventMetadata(context, commandId, occurredAt, event.type),
      }));
      try {
        const result = await this.appendSurvivingOutages(streamId, events, snapshot.revision < 0 ? 'no-stream' : snapshot.revision);
        const next = this.fold(snapshot, result.events);
        this.cache.set(streamId, next);
        // The store found these very events recorded already: another process took this keyed request first.
        return outcome(programId, result.events, result.alreadyRecorded === true);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS) throw error;
        // Another writer got there first: back off a little (jittered) and decide again on the new state.
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
        const result = await this.store.append(streamId, events, { expectedRevision });
        // Found recorded on a second attempt, the events are most likely this decision's own first attempt's.
        return attempt > 1 ? { ...result, alreadyRecorded: false } : result;
      } catch (error) {
        if (!(error instanceof EventStoreUnavailableError) || attempt >= OUTAGE_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  }

  /** The cached state of the stream brought up to date with the events appended since. */
  private async catchUp(streamId: string): Promise<StreamSnapshot<State>> {
    const cached = this.cache.get(streamId) ?? { revision: -1, state: this.decider.initialState, keys: new Map() };
    const newer: RecordedEvent[] = [];
    for await (const event of this.store.readStream(streamId, { fromRevision: cached.revision + 1 })) newer.push(event);
    if (newer.length === 0) return cached;
    const snapshot = this.fold(cached, newer);
    this.cache.set(streamId, snapshot);
    return snapshot;
  }

  private fold(snapshot: StreamSnapshot<State>, events: RecordedEvent[]): StreamSnapshot<State> {
    // The key index is updated in place: only committed events reach it, and the stream's mutex keeps it to one user.
    let state = snapshot.state;
    for (const recorded of events) {
      // The decider knows only the current shape of each event type; older recorded shapes are upcast first.
      const event = upcast(recorded);
      state = this.decider.evolve(state, { type: event.type, data: event.data } as Event);
      const key = event.metadata['idempotencyKey'];
      if (typeof key !== 'string') continue;
      const seen = snapshot.keys.get(key) ?? { fingerprint: String(event.metadata['requestFingerprint']), events: [] };
      // A fold interrupted half-way is folded again from its last complete revision: never list an event twice.
      if ((seen.events.at(-1)?.revision ?? -1) < event.revision) seen.events.push({ type: event.type, revision: event.revision, position: event.position });
      snapshot.keys.set(key, seen);
    }
    return { revision: events[events.length - 1]!.revision, state, keys: snapshot.keys };
  }

  /** The events the command decides on `snapshot`, or the first outcome again for a key seen before; throws a refusal. */
  private decideOn(snapshot: StreamSnapshot<State>, command: Command, context: DecisionContext, programId: string): Decision<Event> {
    const replay = this.replayOf(snapshot, context, programId);
    if (replay) return { replay };
    this.decider.precheck(command, snapshot.state);
    if (context.ifMatchRevision !== undefined && context.ifMatchRevision !== snapshot.revision) {
      throw new ProblemError(412, 'REVISION_MISMATCH', `The programme is at revision ${snapshot.revision}, not ${context.ifMatchRevision}; read it again and decide anew.`);
    }
    return { events: this.decider.decide(command, snapshot.state) };
  }

  private replayOf(snapshot: StreamSnapshot<State>, context: DecisionContext, programId: string): DecisionOutcome | null {
    if (!context.idempotency) return null;
    const seen = snapshot.keys.get(context.idempotency.key);
    if (!seen) return null;
    if (seen.fingerprint !== context.idempotency.fingerprint) {
      throw new ProblemError(409, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used before with another request; use a new key for a new decision.');
    }
    return outcome(programId, seen.events, true);
  }
}

function outcome(programId: string, events: ReadonlyArray<Pick<RecordedEvent, 'type' | 'revision' | 'position'>>, replayed: boolean): DecisionOutcome {
  const last = events[events.length - 1]!;
  return {
    replayed,
    programId,
    revision: last.revision,
    position: last.position.toString(),
    events: events.map((event) => ({ type: event.type, revision: event.revision, position: event.position.toString() })),
  };
}
