import { randomUUID } from 'node:crypto';
import type { JsonObject } from '../../src/common/json.js';
import type { EventStore, RecordedEvent } from '../../src/event-store/event-store.port.js';
import { CHECKPOINT_EVENT, CHECKPOINT_STREAM, type CheckpointSigner } from '../../src/integrity/checkpoint.js';
import { chained, GENESIS_HASH, recordedHash } from '../../src/integrity/event-hash.js';
import { type LoggedCheckpoint, loggedCheckpoint } from '../../src/integrity/log-verifier.js';
import { CompactTree, leafHash, nodeHash, type PerfectSubtrees } from '../../src/integrity/merkle.js';
import { seededRandom } from './random-history.js';

export interface ChainedLogPlan {
  /** Programme events to append, spread over `streams` streams at random. */
  events: number;
  /** After how many programme events a checkpoint is signed and appended. */
  checkpointsAfter: readonly number[];
  streams?: number;
  /** The first `legacy` events are appended without a hash, as before the chain existed. */
  legacy?: number;
  seed?: number;
}

export interface ChainedLog {
  /** The programme events, in log order, as recorded. */
  events: RecordedEvent[];
  checkpoints: LoggedCheckpoint[];
}

/**
 * A log as Docket writes it, without the application: programme events chained per stream (`chained`, as the
 * command loop does), with scores of two decimals and text beyond ASCII, and checkpoints signed over the tree of
 * every event so far and appended to `audit-checkpoints` with an expected revision (as the checkpointer does).
 */
export async function appendChainedLog(store: EventStore, signer: CheckpointSigner, plan: ChainedLogPlan): Promise<ChainedLog> {
  const random = seededRandom(plan.seed ?? 7);
  const streams = Array.from({ length: plan.streams ?? 3 }, (_, i) => `program-call-${String.fromCharCode(97 + i)}`);
  const heads = new Map(streams.map((stream) => [stream, { revision: -1, hash: GENESIS_HASH }]));
  const events: RecordedEvent[] = [];
  const checkpoints: LoggedCheckpoint[] = [];
  const tree = new CompactTree();
  for (let i = 0; i < plan.events; i++) {
    const stream = streams[Math.floor(random() * streams.length)]!;
    const head = heads.get(stream)!;
    const event = {
      eventId: randomUUID(),
      type: 'ScoreRecorded',
      data: {
        teamId: `team-${i}`,
        round: 1 + (i % 3),
        points: { quality: Math.round(random() * 10_000) / 100, 'user-evaluation': Math.round(random() * 2_500) / 100 },
        note: `Évaluation n° ${i} ✓ 평가`,
      } as JsonObject,
      metadata: {
        schemaVersion: 1,
        actor: { id: `official-${i % 4}`, role: 'official' },
        reason: `Scored at the hearing of day ${i}`,
        occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      } as JsonObject,
    };
    const [toAppend] = i < (plan.legacy ?? 0) ? [event] : chained(stream, head.revision + 1, head.hash, [event]);
    const result = await store.append(stream, [toAppend!], { expectedRevision: head.revision < 0 ? 'no-stream' : head.revision });
    const recorded = result.events[0]!;
    events.push(recorded);
    heads.set(stream, { revision: recorded.revision, hash: recordedHash(recorded) });
    tree.append(leafHash(Buffer.from(recordedHash(recorded), 'hex')));
    if (plan.checkpointsAfter.includes(i + 1)) {
      const time = new Date(Date.UTC(2026, 0, 2) + i * 60_000).toISOString();
      const signed = signer.sign({ origin: 'docket', treeSize: tree.size, rootHash: tree.root().toString('hex'), lastPosition: recorded.position.toString(), time });
      const appended = await store.append(CHECKPOINT_STREAM, [{ eventId: randomUUID(), type: CHECKPOINT_EVENT, data: { ...signed }, metadata: { schemaVersion: 1, occurredAt: time } }], {
        expectedRevision: checkpoints.length === 0 ? 'no-stream' : checkpoints.length - 1,
      });
      checkpoints.push(loggedCheckpoint(appended.events[0]!));
    }
  }
  return { events, checkpoints };
}

/** The perfect subtrees of a list of leaves, in memory: for building proofs in tests. */
export function subtreesOf(leaves: readonly Buffer[]): PerfectSubtrees {
  const memo = new Map<string, Buffer>();
  const node = (level: number, index: number): Buffer => {
    if (level === 0) return leaves[index]!;
    const key = `${level}/${index}`;
    let hash = memo.get(key);
    if (!hash) memo.set(key, (hash = nodeHash(node(level - 1, 2 * index), node(level - 1, 2 * index + 1))));
    return hash;
  };
  return { node };
}

/** An event as an evidence pack's events.jsonl holds it (and the offline verifier reads it). */
export function packLine(event: RecordedEvent): Record<string, unknown> {
  const { position, streamId, revision, eventId, type, data, metadata, recordedAt } = event;
  return JSON.parse(JSON.stringify({ position: position.toString(), streamId, revision, eventId, type, data, metadata, recordedAt: recordedAt.toISOString() })) as Record<string, unknown>;
}
