import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { CHECKPOINT_STREAM, CheckpointSigner, type SignedCheckpoint } from '../../src/integrity/checkpoint.js';
import { chained, GENESIS_HASH, recordedHash } from '../../src/integrity/event-hash.js';
import { type LoggedCheckpoint, UntrustedCheckpointError, type VerificationReport, verifyLog } from '../../src/integrity/log-verifier.js';
import { CompactTree, leafHash } from '../../src/integrity/merkle.js';
import { verifyPack } from '../../tools/verify-evidence.mjs';
import { appendChainedLog, type ChainedLog, packLine } from '../support/chained-log.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * The server's verifier (`verifyLog`, behind GET /api/audit/verify and `npm run cli -- verify`) and the standalone
 * one (`tools/verify-evidence.mjs`) on the same logs, tampered with by editing the SQLite file as someone holding it
 * would: both must find every change, at the same position, for the same reason.
 */
const signer = CheckpointSigner.generate();
const dir = tempDir('docket-verify-');
const PRISTINE = join(dir.path, 'pristine.sqlite');
let log: ChainedLog;
let cp0: LoggedCheckpoint;
let cp1: LoggedCheckpoint;
let cases = 0;

/** 45 programme events over 3 streams; checkpoints after 15 and 30; the last 15 not signed yet. */
beforeAll(async () => {
  const store = new SqliteEventStore({ filename: PRISTINE, writer: 'in-process' });
  log = await appendChainedLog(store, signer, { events: 45, checkpointsAfter: [15, 30] });
  await store.close();
  [cp0, cp1] = log.checkpoints as [LoggedCheckpoint, LoggedCheckpoint];
});
afterAll(() => dir.remove());

interface Outcome {
  server: VerificationReport;
  offline: Awaited<ReturnType<typeof verifyPack>>['report'];
}

/** A copy of the pristine log, changed by `tamper` through SQLite itself, checked by both verifiers. */
async function verifyTampered(tamper: (db: Database.Database) => void = () => undefined, trusted: readonly SignedCheckpoint[] = []): Promise<Outcome> {
  const caseDir = join(dir.path, `case-${++cases}`);
  mkdirSync(caseDir);
  const file = join(caseDir, 'events.sqlite');
  copyFileSync(PRISTINE, file);
  const db = new Database(file);
  tamper(db);
  db.close();
  const store = new SqliteEventStore({ filename: file, writer: 'read-only' });
  try {
    const server = await verifyLog(store, signer.publicKey, { trusted });
    const events: RecordedEvent[] = [];
    for await (const event of store.readAll()) events.push(event);
    writePack(caseDir, events, trusted);
    const offline = (await verifyPack(caseDir, trusted.length > 0 ? { checkpoints: join(caseDir, 'trusted.jsonl') } : {})).report;
    return { server, offline };
  } finally {
    await store.close();
  }
}

function writePack(into: string, events: RecordedEvent[], trusted: readonly SignedCheckpoint[]): void {
  const lines = (items: unknown[]) => items.map((item) => `${JSON.stringify(item)}\n`).join('');
  writeFileSync(join(into, 'events.jsonl'), lines(events.map(packLine)));
  writeFileSync(join(into, 'public-key.pem'), signer.publicKeyPem());
  const checkpoints = events
    .filter((event) => event.streamId === CHECKPOINT_STREAM)
    .map((event) => ({ number: event.revision, position: event.position.toString(), ...event.data }));
  writeFileSync(join(into, 'checkpoints.jsonl'), lines(checkpoints));
  if (trusted.length > 0) writeFileSync(join(into, 'trusted.jsonl'), lines([...trusted]));
}

/** Both verifiers found it broken, at this position, for this reason. */
function expectBroken(outcome: Outcome, reason: string, position: bigint | string): void {
  const where = { ok: false, reason, firstBrokenPosition: position.toString() };
  expect({ ok: outcome.server.ok, reason: outcome.server.reason, firstBrokenPosition: outcome.server.firstBrokenPosition }).toEqual(where);
  expect({ ok: outcome.offline.ok, reason: outcome.offline.reason, firstBrokenPosition: outcome.offline.firstBrokenPosition }).toEqual(where);
  expect(outcome.offline.detail).toBe(outcome.server.detail);
}

const at = (index: number) => log.events[index]!;
const setJson = (db: Database.Database, column: 'data' | 'metadata', position: bigint, from: string, to: string) => {
  const changed = db.prepare(`UPDATE events SET ${column} = replace(${column}, ?, ?) WHERE position = ?`).run(from, to, position).changes;
  expect(changed).toBe(1);
};
/** The index of an event after `from` whose stream's next event also comes before `before`. */
const withNextInStream = (from: number, before: number) => {
  for (let i = from; i < before; i++) {
    const next = log.events.findIndex((event, j) => j > i && event.streamId === at(i).streamId);
    if (next > i && next < before) return { index: i, next };
  }
  throw new Error('no such event in this log');
};

describe('a clean log', () => {
  it('verifies: every event checked, both checkpoints matched, the events after the last one counted as unsigned', async () => {
    const outcome = await verifyTampered();
    const expected = { ok: true, checkedEvents: 45, unprotectedEvents: 0, checkedCheckpoints: 2, unsignedEvents: 15, firstBrokenPosition: null, reason: null, detail: null };
    expect(outcome.server).toMatchObject({ ...expected, checkpoint: cp1 });
    expect(outcome.offline).toMatchObject({ ...expected, checkpoint: cp1 });
  });

  it('chains every stream from the zero hash, each hash covering its event', () => {
    const seen = new Map<string, string>();
    for (const event of log.events) {
      expect(event.metadata.prevHash).toBe(seen.get(event.streamId) ?? GENESIS_HASH);
      seen.set(event.streamId, recordedHash(event));
    }
  });
});

describe('an event changed in place', () => {
  it('finds one byte of its data changed: hash-mismatch at that event', async () => {
    const event = at(20);
    expectBroken(await verifyTampered((db) => setJson(db, 'data', event.position, '"team-20"', '"team-21"')), 'hash-mismatch', event.position);
  });

  it('finds its actor changed', async () => {
    const event = at(21);
    expectBroken(await verifyTampered((db) => setJson(db, 'metadata', event.position, '"official-1"', '"official-3"')), 'hash-mismatch', event.position);
  });

  it('finds its reason changed', async () => {
    const event = at(22);
    expectBroken(await verifyTampered((db) => setJson(db, 'metadata', event.position, 'day 22', 'day 23')), 'hash-mismatch', event.position);
  });

  it('finds its type changed', async () => {
    const event = at(3);
    expectBroken(await verifyTampered((db) => db.prepare(`UPDATE events SET type = 'ScoreCorrected' WHERE position = ?`).run(event.position)), 'hash-mismatch', event.position);
  });

  it('finds its stored bytes no longer JSON: the server reports where it could read no further', async () => {
    const event = at(24);
    const file = join(dir.path, 'unreadable.sqlite');
    copyFileSync(PRISTINE, file);
    const db = new Database(file);
    db.prepare(`UPDATE events SET data = substr(data, 1, length(data) - 1) WHERE position = ?`).run(event.position);
    db.close();
    const store = new SqliteEventStore({ filename: file, writer: 'read-only' });
    const report = await verifyLog(store, signer.publicKey);
    await store.close();
    expect(report).toMatchObject({ ok: false, reason: 'hash-mismatch', firstBrokenPosition: event.position.toString(), checkedEvents: 24 });
    expect(report.detail).toContain('its stored data is not JSON');
  });

  it('finds its hash stripped to hide an edit: chain-broken there', async () => {
    const event = at(33);
    const strip = (db: Database.Database) => {
      db.prepare(`UPDATE events SET metadata = json_remove(metadata, '$.hash', '$.prevHash') WHERE position = ?`).run(event.position);
      setJson(db, 'data', event.position, '"team-33"', '"team-99"');
    };
    expectBroken(await verifyTampered(strip), 'chain-broken', event.position);
  });

  it('finds it rewritten with its stream re-chained, by the root of the next checkpoint', async () => {
    const { index } = withNextInStream(16, 29);
    const rewrite = (db: Database.Database) => rechainFrom(db, at(index), (data) => ({ ...data, note: 'rewritten' }));
    const outcome = await verifyTampered(rewrite);
    // No chain can tell: the checkpoint after cp0 is where the tree differs, from the first event cp0 does not cover.
    expectBroken(outcome, 'root-mismatch', at(15).position);
    expect(outcome.server.checkpoint).toEqual(cp0);
  });

  it('finds it rewritten, re-chained and the checkpoints re-signed with another key: bad-signature at the first re-signed', async () => {
    const forger = CheckpointSigner.generate();
    const outcome = await verifyTampered((db) => {
      rechainFrom(db, at(20), (data) => ({ ...data, note: 'rewritten' }));
      resignFrom(db, 1, forger);
    });
    expectBroken(outcome, 'bad-signature', cp1.position);
  });
});

describe('events removed or moved', () => {
  it('finds an event deleted: missing-event at the next event of its stream', async () => {
    const { index, next } = withNextInStream(16, 29);
    const outcome = await verifyTampered((db) => db.prepare('DELETE FROM events WHERE position = ?').run(at(index).position));
    expectBroken(outcome, 'missing-event', at(next).position);
  });

  it('finds two events of one stream swapped: order-changed at the first', async () => {
    const { index, next } = withNextInStream(16, 29);
    const outcome = await verifyTampered((db) => swapPositions(db, at(index).position, at(next).position));
    expectBroken(outcome, 'order-changed', at(index).position);
  });

  it('finds two events of different streams swapped, by the root of the checkpoint over them', async () => {
    const index = log.events.findIndex((event, i) => i >= 16 && i < 29 && log.events[i + 1]!.streamId !== event.streamId);
    const outcome = await verifyTampered((db) => swapPositions(db, at(index).position, at(index + 1).position));
    // Each stream's chain still holds: only the tree's order changed, somewhere after the last checkpoint that matches.
    expectBroken(outcome, 'root-mismatch', at(15).position);
    expect(outcome.server.detail).toContain(`between position ${at(15).position} and ${at(29).position}`);
  });

  it('finds the log truncated after a checkpoint, its later checkpoints kept: log-truncated where the next one ends', async () => {
    const outcome = await verifyTampered((db) => db.prepare('DELETE FROM events WHERE position > ? AND stream_id <> ?').run(BigInt(cp0.lastPosition!), CHECKPOINT_STREAM));
    expectBroken(outcome, 'log-truncated', cp1.lastPosition!);
  });

  it('finds the log cut back with its later checkpoints only against checkpoints kept from before', async () => {
    const cut = (db: Database.Database) => db.prepare('DELETE FROM events WHERE position > ?').run(BigInt(cp0.position));
    // On its own, a prefix of a log is a valid log: nothing in it says more was signed.
    const alone = await verifyTampered(cut);
    expect([alone.server.ok, alone.offline.ok]).toEqual([true, true]);
    const kept = log.checkpoints.map(({ number: _n, position: _p, ...signed }) => signed);
    expectBroken(await verifyTampered(cut, kept), 'log-truncated', cp1.lastPosition!);
  });

  it('finds a checkpoint deleted from its stream: missing-event at the next checkpoint', async () => {
    expectBroken(await verifyTampered((db) => db.prepare('DELETE FROM events WHERE position = ?').run(BigInt(cp0.position))), 'missing-event', cp1.position);
  });
});

describe('checkpoints forged', () => {
  it("finds a checkpoint's signature replaced", async () => {
    const outcome = await verifyTampered((db) => setCheckpoint(db, cp1, { ...cp1, signature: cp0.signature }));
    expectBroken(outcome, 'bad-signature', cp1.position);
  });

  it('finds a checkpoint re-signed with another key, as it is or naming the audit key', async () => {
    const forger = CheckpointSigner.generate();
    const { number: _n, position: _p, keyFingerprint: _k, signature: _s, ...body } = cp1;
    const resigned = forger.sign(body);
    expectBroken(await verifyTampered((db) => setCheckpoint(db, cp1, resigned)), 'bad-signature', cp1.position);
    expectBroken(await verifyTampered((db) => setCheckpoint(db, cp1, { ...resigned, keyFingerprint: cp1.keyFingerprint })), 'bad-signature', cp1.position);
  });

  it('finds a checkpoint whose signed root was changed', async () => {
    const outcome = await verifyTampered((db) => setCheckpoint(db, cp0, { ...cp0, rootHash: cp1.rootHash }));
    expectBroken(outcome, 'bad-signature', cp0.position);
  });

  it('refuses to check against a checkpoint given that the audit key did not sign', async () => {
    const forged = CheckpointSigner.generate().sign({ origin: 'docket', treeSize: 1, rootHash: cp0.rootHash, lastPosition: '1', time: cp0.time });
    await expect(verifyTampered(() => undefined, [forged])).rejects.toThrow(UntrustedCheckpointError);
  });
});

describe('events recorded before the chain existed', () => {
  it('counts them unprotected, in the tree, and finds an edit of one once a checkpoint signed it', async () => {
    const file = join(dir.path, 'legacy.sqlite');
    const store = new SqliteEventStore({ filename: file, writer: 'in-process' });
    const legacy = await appendChainedLog(store, signer, { events: 12, legacy: 5, checkpointsAfter: [10], seed: 3 });
    const report = await verifyLog(store, signer.publicKey);
    await store.close();
    expect(report).toMatchObject({ ok: true, checkedEvents: 12, unprotectedEvents: 5, checkedCheckpoints: 1 });
    expect(legacy.events.slice(0, 5).every((event) => event.metadata.hash === undefined)).toBe(true);

    const edited = join(dir.path, 'legacy-edited.sqlite');
    copyFileSync(file, edited);
    const db = new Database(edited);
    db.prepare(`UPDATE events SET data = replace(data, '"team-2"', '"team-7"') WHERE position = ?`).run(legacy.events[2]!.position);
    db.close();
    const reopened = new SqliteEventStore({ filename: edited, writer: 'read-only' });
    const after = await verifyLog(reopened, signer.publicKey);
    await reopened.close();
    // Nothing of its own says it changed; the checkpoint over it does.
    expect(after).toMatchObject({ ok: false, reason: 'root-mismatch', firstBrokenPosition: legacy.events[0]!.position.toString() });
  });
});

// --- Tampering as an insider would do it, through SQLite -----------------------------------------------------

function swapPositions(db: Database.Database, a: bigint, b: bigint): void {
  db.transaction(() => {
    db.prepare('UPDATE events SET position = -1 WHERE position = ?').run(a);
    db.prepare('UPDATE events SET position = ? WHERE position = ?').run(a, b);
    db.prepare('UPDATE events SET position = ? WHERE position = -1').run(b);
  })();
}

function setCheckpoint(db: Database.Database, checkpoint: LoggedCheckpoint, body: SignedCheckpoint): void {
  const { origin, treeSize, rootHash, lastPosition, time, keyFingerprint, signature } = body;
  const data = JSON.stringify({ origin, treeSize, rootHash, lastPosition, time, keyFingerprint, signature });
  expect(db.prepare('UPDATE events SET data = ? WHERE position = ?').run(data, BigInt(checkpoint.position)).changes).toBe(1);
}

/** Rewrites an event's data and re-chains its stream from it, as someone who knows the hash function would. */
function rechainFrom(db: Database.Database, event: RecordedEvent, rewrite: (data: Record<string, unknown>) => Record<string, unknown>): void {
  const rows = db
    .prepare('SELECT position, revision, type, data, metadata FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision')
    .all(event.streamId, event.revision) as Array<{ position: number; revision: number; type: string; data: string; metadata: string }>;
  let prev = String(event.metadata.prevHash);
  rows.forEach((row, i) => {
    const data = i === 0 ? rewrite(JSON.parse(row.data)) : JSON.parse(row.data);
    const { hash: _h, prevHash: _p, ...metadata } = JSON.parse(row.metadata) as Record<string, unknown>;
    const [link] = chained(event.streamId, row.revision, prev, [{ type: row.type, data, metadata }] as never[]) as Array<{ data: unknown; metadata: { hash: string } }>;
    db.prepare('UPDATE events SET data = ?, metadata = ? WHERE position = ?').run(JSON.stringify(link!.data), JSON.stringify(link!.metadata), row.position);
    prev = link!.metadata.hash;
  });
}

/** Signs every checkpoint from number `from` on again, over the tree the log now makes, with another key. */
function resignFrom(db: Database.Database, from: number, forger: CheckpointSigner): void {
  const rows = db.prepare('SELECT position, stream_id, metadata FROM events ORDER BY position').all() as Array<{ position: number; stream_id: string; metadata: string }>;
  const leaves: Buffer[] = [];
  const roots = new Map<number, string>();
  for (const row of rows) {
    if (row.stream_id === CHECKPOINT_STREAM) continue;
    leaves.push(leafHash(Buffer.from(JSON.parse(row.metadata).hash as string, 'hex')));
    roots.set(leaves.length, rootOf(leaves));
  }
  for (const checkpoint of log.checkpoints.slice(from)) {
    const signed = forger.sign({ origin: checkpoint.origin, treeSize: checkpoint.treeSize, rootHash: roots.get(checkpoint.treeSize)!, lastPosition: checkpoint.lastPosition, time: checkpoint.time });
    setCheckpoint(db, checkpoint, signed);
  }
}

function rootOf(leaves: readonly Buffer[]): string {
  const tree = new CompactTree();
  for (const leaf of leaves) tree.append(leaf);
  return tree.root().toString('hex');
}
