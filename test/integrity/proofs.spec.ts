import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { CheckpointSigner } from '../../src/integrity/checkpoint.js';
import { recordedHash } from '../../src/integrity/event-hash.js';
import { type LogLookups, type LoggedCheckpoint, verifyLog } from '../../src/integrity/log-verifier.js';
import { consistencyProof, inclusionProof, leafHash, treeRoot } from '../../src/integrity/merkle.js';
import { checkProof } from '../../src/integrity/proof-check.js';
import { verifyPack } from '../../tools/verify-evidence.mjs';
import { appendChainedLog, type ChainedLog, packLine, subtreesOf } from '../support/chained-log.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * Verifiers of real transparency logs have shipped bugs that accepted forged proofs. Every field of a genuine proof
 * is altered in turn, and the server's checker (`checkProof`, behind `npm run cli -- verify --proof`) and the
 * standalone verifier must both refuse each one, holding the proof to the key and to the log.
 */
const signer = CheckpointSigner.generate();
const dir = tempDir('docket-proofs-');
let log: ChainedLog;
let lookups: LogLookups;
let packs = 0;

type Proof = Record<string, unknown>;
let inclusion: Proof;
let consistency: Proof;

beforeAll(async () => {
  const store = new SqliteEventStore({ filename: join(dir.path, 'events.sqlite'), writer: 'in-process' });
  log = await appendChainedLog(store, signer, { events: 37, checkpointsAfter: [13, 37] });
  const everything = { positions: log.events.map((event) => event.position.toString()), sizes: Array.from({ length: 38 }, (_, i) => i) };
  const report = await verifyLog(store, signer.publicKey, { lookUp: everything, lookups: (found) => (lookups = found) });
  expect(report.ok).toBe(true);
  const events: string[] = [];
  for await (const event of store.readAll()) events.push(JSON.stringify(packLine(event)));
  await store.close();
  writeFileSync(join(dir.path, 'events.jsonl'), `${events.join('\n')}\n`);

  const leaves = log.events.map((event) => leafHash(Buffer.from(recordedHash(event), 'hex')));
  const tree = subtreesOf(leaves);
  const [small, large] = log.checkpoints as [LoggedCheckpoint, LoggedCheckpoint];
  const index = 21;
  inclusion = {
    position: log.events[index]!.position.toString(),
    leafIndex: index,
    treeSize: large.treeSize,
    eventHash: recordedHash(log.events[index]!),
    leafHash: leaves[index]!.toString('hex'),
    proof: inclusionProof(tree, index, large.treeSize).map((h) => h.toString('hex')),
    rootHash: treeRoot(tree, large.treeSize).toString('hex'),
    checkpoint: large,
  };
  consistency = {
    from: small.treeSize,
    to: large.treeSize,
    fromRoot: small.rootHash,
    toRoot: large.rootHash,
    proof: consistencyProof(tree, small.treeSize, large.treeSize).map((h) => h.toString('hex')),
    fromCheckpoint: small,
    toCheckpoint: large,
  };
});
afterAll(() => dir.remove());

/** Both verdicts on a proof: the server's checker and the standalone verifier (on an evidence pack of the log). */
async function verdicts(proof: unknown): Promise<{ server: string | null; offline: string | null }> {
  const pack = join(dir.path, `pack-${++packs}`);
  mkdirSync(pack);
  copyFileSync(join(dir.path, 'events.jsonl'), join(pack, 'events.jsonl'));
  writeFileSync(join(pack, 'public-key.pem'), signer.publicKeyPem());
  const offline = await verifyPack(pack, { proof });
  return { server: checkProof(proof, signer.publicKey, lookups).failure, offline: offline.proof!.failure };
}

const flip = (hash: string) => (hash[0] === '0' ? '1' : '0') + hash.slice(1);
const clone = (proof: Proof) => JSON.parse(JSON.stringify(proof)) as Proof;

/** Every way the proof can be altered field by field: a name for the report, and the altered proof. */
function alterations(proof: Proof, checkpointFields: string[]): Array<[string, Proof]> {
  const out: Array<[string, Proof]> = [];
  const alter = (name: string, change: (copy: Proof) => void) => {
    const copy = clone(proof);
    change(copy);
    out.push([name, copy]);
  };
  for (const [field, value] of Object.entries(proof)) {
    if (typeof value === 'number') {
      alter(`${field} + 1`, (p) => (p[field] = value + 1));
      if (value > 0) alter(`${field} - 1`, (p) => (p[field] = value - 1));
      alter(`${field} as a string`, (p) => (p[field] = String(value)));
    } else if (typeof value === 'string' && /^[0-9a-f]{64}$/.test(value)) {
      alter(`${field} flipped`, (p) => (p[field] = flip(value)));
      alter(`${field} in upper case`, (p) => (p[field] = value.toUpperCase()));
    } else if (typeof value === 'string') {
      alter(`${field} + 1`, (p) => (p[field] = (BigInt(value) + 1n).toString()));
      alter(`${field} not digits`, (p) => (p[field] = `x${value}`));
    } else if (Array.isArray(value)) {
      value.forEach((_, i) => alter(`${field}[${i}] flipped`, (p) => ((p[field] as string[])[i] = flip(value[i] as string))));
      alter(`${field} with one more hash`, (p) => (p[field] as string[]).push(value[0] as string));
      if (value.length > 0) alter(`${field} without its last hash`, (p) => (p[field] as string[]).pop());
      if (value.length > 1) alter(`${field} reversed`, (p) => (p[field] as string[]).reverse());
      alter(`${field} empty`, (p) => (p[field] = []));
    } else if (typeof value === 'object' && value !== null) {
      for (const key of checkpointFields) {
        alter(`${field}.${key} altered`, (p) => {
          const checkpoint = p[field] as Record<string, unknown>;
          const current = checkpoint[key];
          checkpoint[key] = typeof current === 'number' ? current + 1 : typeof current === 'string' ? (/^[0-9a-f]{64}$/.test(current) ? flip(current) : `${current}0`) : '0';
        });
      }
      alter(`${field} missing`, (p) => delete p[field]);
    }
  }
  return out;
}

const SIGNED = ['origin', 'treeSize', 'rootHash', 'lastPosition', 'time', 'keyFingerprint', 'signature'];

describe('an inclusion proof', () => {
  it('holds as given', async () => {
    expect(await verdicts(inclusion)).toEqual({ server: null, offline: null });
  });

  it('is refused with any one field altered, by both verifiers', async () => {
    const cases = alterations(inclusion, SIGNED);
    expect(cases.length).toBeGreaterThan(25);
    for (const [name, forged] of cases) {
      const { server, offline } = await verdicts(forged);
      expect({ name, refusedByServer: server !== null, refusedOffline: offline !== null }).toEqual({ name, refusedByServer: true, refusedOffline: true });
      expect({ name, offline }).toEqual({ name, offline: server });
    }
  });

  it('is refused for an event of the log that is not the one it proves, though the path is genuine', async () => {
    const other = { ...clone(inclusion), position: log.events[22]!.position.toString() };
    const { server, offline } = await verdicts(other);
    expect(server).toContain('is leaf 22 of the log, not 21');
    expect(offline).toBe(server);
  });
});

describe('a consistency proof', () => {
  it('holds as given', async () => {
    expect(await verdicts(consistency)).toEqual({ server: null, offline: null });
  });

  it('is refused with any one field altered, by both verifiers', async () => {
    const cases = alterations(consistency, SIGNED);
    expect(cases.length).toBeGreaterThan(25);
    for (const [name, forged] of cases) {
      const { server, offline } = await verdicts(forged);
      expect({ name, refusedByServer: server !== null, refusedOffline: offline !== null }).toEqual({ name, refusedByServer: true, refusedOffline: true });
      expect({ name, offline }).toEqual({ name, offline: server });
    }
  });

  it('is refused between two trees the log does not make, though the key signed both', async () => {
    // A fork: checkpoints signed by the genuine key over another history (a key that leaked, or a server that lied).
    const forkLeaves = Array.from({ length: 40 }, (_, i) => leafHash(Buffer.from(i.toString(16).padStart(64, '0'), 'hex')));
    const fork = subtreesOf(forkLeaves);
    const sign = (size: number) => ({ number: 0, position: '1', ...signer.sign({ origin: 'docket', treeSize: size, rootHash: treeRoot(fork, size).toString('hex'), lastPosition: '1', time: '2026-01-01T00:00:00.000Z' }) });
    const forged = {
      from: 13,
      to: 37,
      fromRoot: treeRoot(fork, 13).toString('hex'),
      toRoot: treeRoot(fork, 37).toString('hex'),
      proof: consistencyProof(fork, 13, 37).map((h) => h.toString('hex')),
      fromCheckpoint: sign(13),
      toCheckpoint: sign(37),
    };
    expect(checkProof(forged, signer.publicKey).ok).toBe(true);
    const { server, offline } = await verdicts(forged);
    expect(server).toBe("the log's first 13 events make another root than the proof's");
    expect(offline).toBe(server);
  });
});

it('refuses what is neither kind of proof', async () => {
  for (const thing of [null, [], 'proof', { proof: [] }]) {
    const { server, offline } = await verdicts(thing);
    expect(server).toBe('this is neither an inclusion proof nor a consistency proof');
    expect(offline).toBe(server);
  }
});
