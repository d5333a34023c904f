import type { KeyObject } from 'node:crypto';
import type { JsonObject } from '../common/json.js';
import { UnreadableEventError } from '../event-store/event-store.errors.js';
import type { EventStore, RecordedEvent } from '../event-store/event-store.port.js';
import { CHECKPOINT_STREAM, inTree, type SignedCheckpoint, verifyCheckpoint } from './checkpoint.js';
import { eventHash, GENESIS_HASH } from './event-hash.js';
import { CompactTree, leafHash } from './merkle.js';

export const BREAK_REASONS = ['hash-mismatch', 'chain-broken', 'missing-event', 'order-changed', 'log-truncated', 'bad-signature', 'root-mismatch'] as const;
export type BreakReason = (typeof BREAK_REASONS)[number];

/** A checkpoint as the log holds it: its place in the checkpoint stream and the log, and what it signed. */
export interface LoggedCheckpoint extends SignedCheckpoint {
  number: number;
  position: string;
}

export interface VerificationReport {
  ok: boolean;
  /** Events of the tree read and checked (every event but the checkpoints). */
  checkedEvents: number;
  /** Of those, recorded before the hash chain existed: in the tree, but with no hash of their own to check. */
  unprotectedEvents: number;
  /** Checkpoints whose signature and root were checked. */
  checkedCheckpoints: number;
  /** Events after the latest checkpoint: their chains are checked, no signature covers them yet. */
  unsignedEvents: number;
  firstBrokenPosition: string | null;
  reason: BreakReason | null;
  /** What failed, for a person. */
  detail: string | null;
  /** The latest checkpoint the log was found to match, or null. */
  checkpoint: LoggedCheckpoint | null;
}

/** What a proof names, looked up in the log as it is read: the leaf of an event, the root of a tree size. */
export interface LogLookups {
  /** The leaf index and hash of the event at each position asked for (absent: no event of the tree there). */
  leaves: Map<string, { index: number; eventHash: string }>;
  /** The root of the first `size` events for each size asked for (absent: the log is smaller). */
  roots: Map<number, string>;
}

/** A checkpoint given to check against that is not the audit key's: the verifier's input is wrong, not the log. */
export class UntrustedCheckpointError extends Error {}

interface StreamState {
  revision: number;
  hash: string;
  /** Where a revision of this stream was found missing, while it may still turn up later (then it was reordered). */
  gap: { revision: number; at: Break } | null;
}

interface Break {
  position: bigint;
  reason: BreakReason;
  detail: string;
  /** For a root mismatch: the last position of the range it lies in. */
  until?: bigint;
}

const EVENT_BREAKS: ReadonlySet<BreakReason> = new Set(['hash-mismatch', 'chain-broken', 'missing-event', 'order-changed']);

/**
 * Checks a whole event log, one event at a time in global order, as the store holds it: every event's hash against
 * its content, every stream's chain (revisions without gap or reordering, each `prevHash` the hash before it), and
 * the Merkle tree of all event hashes in global order against every signed checkpoint (signed by `publicKey`, the
 * root of the tree at its size, its last event where it says). `finish` reports the first break in log order.
 *
 * - Events recorded before the chain existed (no `hash`, no `prevHash`, before any event that has one) are counted
 *   as unprotected and enter the tree with the hash of their content: a checkpoint signed after them protects them
 *   from then on. An event without a hash after the first one that has one is a break (a hash stripped to hide an
 *   edit), never unprotected.
 * - The chains locate an edit, a deletion or a reordering inside a stream at the event itself. A change the chains
 *   cannot see (the last event of a stream deleted, events of two streams swapped) changes the tree: the root of the
 *   next checkpoint differs, and the break is located at the first event after the last checkpoint that matched.
 * - `trusted` are checkpoints the verifier holds from elsewhere (an earlier evidence pack, a publication): checked
 *   as the log's own, so a log cut back together with its later checkpoints is still found truncated.
 */
export class LogVerifier {
  private readonly breaks: Break[] = [];
  private readonly streams = new Map<string, StreamState>();
  private readonly tree = new CompactTree();
  private readonly bySize = new Map<number, LoggedCheckpoint[]>();
  private readonly toCheck: LoggedCheckpoint[];
  private readonly own: readonly LoggedCheckpoint[];
  private checkedCheckpoints = 0;
  private unprotected = 0;
  private chainSeen = false;
  private lastLeafPosition: bigint | null = null;
  private lastGood: LoggedCheckpoint | null = null;
  /** The first event not covered by a checkpoint that matched: where a root mismatch is located. */
  private firstUnmatched: bigint | null = null;
  /** What proofs name, filled in as the log is read (see `lookUp`). */
  readonly found: LogLookups = { leaves: new Map(), roots: new Map() };
  private readonly wanted = { positions: new Set<string>(), sizes: new Set<number>() };

  constructor(publicKey: KeyObject, checkpoints: readonly LoggedCheckpoint[], trusted: readonly SignedCheckpoint[] = []) {
    this.own = checkpoints;
    const outside = trusted.map((checkpoint, index) => ({ ...checkpoint, number: -1 - index, position: '0' }));
    for (const checkpoint of outside) {
      if (!verifyCheckpoint(checkpoint, publicKey)) {
        throw new UntrustedCheckpointError(`the checkpoint of tree size ${checkpoint.treeSize} given to check against is not signed by this audit key`);
      }
    }
    // Only what the key signed is compared with the log: a checkpoint it did not sign states nothing.
    this.toCheck = [...outside];
    let previous: LoggedCheckpoint | null = null;
    for (const [index, checkpoint] of checkpoints.entries()) {
      const at = BigInt(checkpoint.position);
      if (!verifyCheckpoint(checkpoint, publicKey)) {
        this.record(at, 'bad-signature', `checkpoint ${checkpoint.number} (tree size ${checkpoint.treeSize}) is not signed by the audit key ${keyName(checkpoint)}`);
      } else {
        this.checkedCheckpoints += 1;
        this.toCheck.push(checkpoint);
      }
      if (checkpoint.number !== index) {
        this.record(at, 'missing-event', `the checkpoint stream goes from checkpoint ${index - 1} to ${checkpoint.number}`);
      } else if (previous !== null && checkpoint.treeSize <= previous.treeSize) {
        this.record(at, 'order-changed', `checkpoint ${checkpoint.number} signs ${checkpoint.treeSize} events, no more than checkpoint ${previous.number} before it`);
      }
      previous = checkpoint;
    }
    // A checkpoint given that the log holds too is checked once.
    this.checkedCheckpoints += outside.filter((given) => !checkpoints.some((own) => own.signature === given.signature)).length;
    for (const checkpoint of this.toCheck) this.bySize.set(checkpoint.treeSize, [...(this.bySize.get(checkpoint.treeSize) ?? []), checkpoint]);
    this.atSize(0);
  }

  /** Asks for the leaf of the event at these positions and the root at these tree sizes, as the log is read. */
  lookUp(positions: Iterable<string>, sizes: Iterable<number>): void {
    for (const position of positions) this.wanted.positions.add(position);
    for (const size of sizes) this.wanted.sizes.add(size);
    if (this.wanted.sizes.has(0)) this.found.roots.set(0, this.tree.root().toString('hex'));
  }

  /** The next event of the log, in global order (the checkpoints' own events among them: they are skipped). */
  event(event: RecordedEvent): void {
    if (!inTree(event.streamId)) return;
    if (this.firstUnmatched === null) this.firstUnmatched = event.position;
    const failure = this.checkEvent(event);
    if (failure) this.record(event.position, failure.reason, failure.detail);
    const own = event.metadata.hash;
    const hash = typeof own === 'string' && failure === null ? own : (contentHash(event) ?? GENESIS_HASH);
    const position = event.position.toString();
    if (this.wanted.positions.has(position)) this.found.leaves.set(position, { index: this.tree.size, eventHash: hash });
    this.tree.append(leafHash(Buffer.from(hash, 'hex')));
    this.lastLeafPosition = event.position;
    if (this.wanted.sizes.has(this.tree.size)) this.found.roots.set(this.tree.size, this.tree.root().toString('hex'));
    this.atSize(this.tree.size);
  }

  /** An event the store cannot even read (its bytes are not JSON any more): a break there, and the end of the check. */
  unreadable(error: UnreadableEventError): void {
    this.record(error.position, 'hash-mismatch', error.message);
  }

  get checkedEvents(): number {
    return this.tree.size;
  }

  finish(): VerificationReport {
    for (const checkpoint of this.toCheck) {
      if (checkpoint.treeSize > this.tree.size) {
        const ends = this.lastLeafPosition === null ? 'is empty' : `ends at position ${this.lastLeafPosition}`;
        this.record(
          BigInt(checkpoint.lastPosition ?? '0'),
          'log-truncated',
          `${checkpoint.number >= 0 ? `checkpoint ${checkpoint.number}` : 'a checkpoint given to check against'} signed a tree of ${checkpoint.treeSize} events up to position ${checkpoint.lastPosition}; the log holds ${this.tree.size} and ${ends}`,
        );
      }
    }
    // A root mismatch only says a range changed; a break of an event inside that range says where and how.
    const located = this.breaks.filter(
      (b) => b.until === undefined || !this.breaks.some((c) => EVENT_BREAKS.has(c.reason) && c.position >= b.position && c.position <= b.until!),
    );
    const broken = located.reduce<Break | null>((a, b) => (a === null || b.position < a.position ? b : a), null);
    const latest = this.own.at(-1);
    return {
      ok: broken === null,
      checkedEvents: this.tree.size,
      unprotectedEvents: this.unprotected,
      checkedCheckpoints: this.checkedCheckpoints,
      unsignedEvents: Math.max(0, this.tree.size - (latest?.treeSize ?? 0)),
      firstBrokenPosition: broken === null ? null : broken.position.toString(),
      reason: broken?.reason ?? null,
      detail: broken?.detail ?? null,
      checkpoint: this.lastGood,
    };
  }

  private record(position: bigint, reason: BreakReason, detail: string, until?: bigint): Break {
    const found: Break = { position, reason, detail, ...(until === undefined ? {} : { until }) };
    this.breaks.push(found);
    return found;
  }

  /** Compares the tree, just grown to `size` leaves, with the checkpoints of that size. */
  private atSize(size: number): void {
    const checkpoints = this.bySize.get(size);
    if (!checkpoints) return;
    const root = this.tree.root().toString('hex');
    const lastPosition = this.lastLeafPosition === null ? null : this.lastLeafPosition.toString();
    for (const checkpoint of checkpoints) {
      if (root !== checkpoint.rootHash || lastPosition !== checkpoint.lastPosition) {
        const from = this.firstUnmatched ?? this.lastLeafPosition ?? 0n;
        const name = checkpoint.number >= 0 ? `checkpoint ${checkpoint.number}` : 'the checkpoint given to check against';
        this.record(
          from,
          'root-mismatch',
          `the first ${size} events (to position ${lastPosition}) do not make the tree ${name} signed (root ${checkpoint.rootHash}, last position ${checkpoint.lastPosition}): ` +
            `events were changed, removed, added or reordered between position ${from} and ${lastPosition}`,
          this.lastLeafPosition ?? 0n,
        );
      } else if (checkpoint.number >= 0 && (this.lastGood === null || checkpoint.treeSize >= this.lastGood.treeSize)) {
        this.lastGood = checkpoint;
      }
    }
    if (checkpoints.some((checkpoint) => root === checkpoint.rootHash && lastPosition === checkpoint.lastPosition)) this.firstUnmatched = null;
  }

  /** A break of this event's stream, or null: its revision follows the one before, its hash covers it, its chain holds. */
  private checkEvent(event: RecordedEvent): { reason: BreakReason; detail: string } | null {
    const state = this.streams.get(event.streamId) ?? { revision: -1, hash: GENESIS_HASH, gap: null };
    this.streams.set(event.streamId, state);
    const where = `${event.streamId}@${event.revision}`;
    if (state.gap !== null && event.revision === state.gap.revision) {
      // The revision found missing comes after all: the stream's events were reordered.
      state.gap.at.reason = 'order-changed';
      state.gap.at.detail = `${event.streamId}@${state.gap.revision} comes later in the log, at position ${event.position}, than events after it in its stream`;
      state.gap = null;
    }
    if (event.revision > state.revision + 1) {
      const at = this.record(event.position, 'missing-event', `${event.streamId} goes from revision ${state.revision} to ${event.revision}: revision ${state.revision + 1} is missing`);
      state.gap ??= { revision: state.revision + 1, at };
      state.revision = event.revision;
      state.hash = typeof event.metadata.hash === 'string' ? event.metadata.hash : (contentHash(event) ?? GENESIS_HASH);
      return null;
    }
    if (event.revision <= state.revision) {
      return { reason: 'order-changed', detail: `${where} comes after revision ${state.revision} of its stream` };
    }
    const computed = contentHash(event);
    if (computed === null) return { reason: 'hash-mismatch', detail: `${where} holds a value that has no canonical JSON form (an unpaired surrogate, say): it was not recorded so` };
    const own = event.metadata.hash;
    const prev = event.metadata.prevHash;
    state.revision = event.revision;
    const expected = state.hash;
    state.hash = computed;
    if (own === undefined && prev === undefined) {
      if (this.chainSeen) return { reason: 'chain-broken', detail: `${where} carries no hash, after events that did` };
      this.unprotected += 1;
      return null;
    }
    this.chainSeen = true;
    if (own !== computed) return { reason: 'hash-mismatch', detail: `${where} does not hash to the hash it carries: its type, data or metadata changed` };
    if (prev !== expected) return { reason: 'chain-broken', detail: `${where} names ${String(prev)} as the hash before it, not ${expected}` };
    return null;
  }
}

/** The event's hash from its content, or null when it has none (a value with no canonical JSON form). */
function contentHash(event: RecordedEvent): string | null {
  try {
    return eventHash(event);
  } catch {
    return null;
  }
}

function keyName(checkpoint: SignedCheckpoint): string {
  return `(it names key ${String(checkpoint.keyFingerprint).slice(0, 16)}…)`;
}

export interface VerifyOptions {
  /** Called now and then with the events checked so far and the position reached. */
  progress?: (checked: number, position: bigint) => void;
  /** Checkpoints the verifier holds from elsewhere: see `LogVerifier`. */
  trusted?: readonly SignedCheckpoint[];
  /** Leaves and roots to look up on the way (see `LogVerifier.lookUp`), found in `lookups`. */
  lookUp?: { positions: Iterable<string>; sizes: Iterable<number> };
  lookups?: (found: LogLookups) => void;
}

/** How often `progress` is called, in events. */
const PROGRESS_EVERY = 10_000;

/** Verifies the whole log as `store` holds it now (see `LogVerifier`), never the read models. */
export async function verifyLog(store: EventStore, publicKey: KeyObject, options: VerifyOptions = {}): Promise<VerificationReport> {
  const checkpoints: LoggedCheckpoint[] = [];
  for await (const event of store.readStream(CHECKPOINT_STREAM)) checkpoints.push(loggedCheckpoint(event));
  const verifier = new LogVerifier(publicKey, checkpoints, options.trusted);
  if (options.lookUp) verifier.lookUp(options.lookUp.positions, options.lookUp.sizes);
  let read = 0;
  let position = 0n;
  try {
    for await (const event of store.readAll()) {
      verifier.event(event);
      position = event.position;
      if (++read % PROGRESS_EVERY === 0) options.progress?.(verifier.checkedEvents, position);
    }
  } catch (error) {
    // Bytes that are not an event any more: a break there, and nothing after it can be read in order.
    if (!(error instanceof UnreadableEventError)) throw error;
    verifier.unreadable(error);
  }
  options.progress?.(verifier.checkedEvents, position);
  options.lookups?.(verifier.found);
  return verifier.finish();
}

/** A checkpoint event as the log holds it (its data as signed, with its number and position). */
export function loggedCheckpoint(event: RecordedEvent): LoggedCheckpoint {
  const data = event.data as JsonObject & SignedCheckpoint;
  return {
    number: event.revision,
    position: event.position.toString(),
    origin: data.origin,
    treeSize: data.treeSize,
    rootHash: data.rootHash,
    lastPosition: data.lastPosition,
    time: data.time,
    keyFingerprint: data.keyFingerprint,
    signature: data.signature,
  };
}
