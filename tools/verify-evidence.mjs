#!/usr/bin/env node
// Verifies a Docket evidence pack (see `npm run cli -- export-evidence`) with Node.js alone: no package, no network
// unless a proof is fetched from a URL. Written to be read by the auditor who runs it.
//
//   node verify-evidence.mjs <pack-dir> [--public-key <pem>] [--checkpoints <jsonl>] [--proof <file|url>] [--token <t>] [--json]
//
// It checks, in log order:
//   1. every event's hash: SHA-256 of the RFC 8785 canonical JSON of {stream, revision, type, data, metadata}, the
//      metadata without its own `hash`;
//   2. every stream's chain: revisions 0, 1, 2… without gap or reordering, each `prevHash` the hash of the event
//      before it in its stream (64 zeros for the first);
//   3. the RFC 6962 Merkle tree of all event hashes in log order (the checkpoints' own events excepted) against every
//      signed checkpoint: Ed25519 signature by the pack's key over the checkpoint's canonical JSON, root and last
//      position at its tree size;
//   4. optionally one inclusion or consistency proof from the API, against the key and this log.
// It prints the first broken position and why, or that the log verifies. Exit code 0: verifies; 1: does not;
// 2: the pack or the options cannot be read.

import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CHECKPOINT_STREAM = 'audit-checkpoints';
const GENESIS = '0'.repeat(64);
const HEX64 = /^[0-9a-f]{64}$/;

class InputError extends Error {}

// ---------------------------------------------------------------------------------------------------------------
// RFC 8785 (JSON Canonicalization Scheme): object members sorted by their names' UTF-16 code units, no whitespace,
// strings and numbers serialised as ECMAScript's JSON.stringify does (which is what the RFC specifies).

const NEEDS_ESCAPING = /["\\\u0000-\u001f\p{Cs}]/u;

export function canonicalJson(value) {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InputError('a number that is not finite cannot be canonicalised');
    return JSON.stringify(value);
  }
  if (typeof value === 'string') {
    // Nothing JSON.stringify would escape: the quotes are all it adds.
    if (!NEEDS_ESCAPING.test(value)) return `"${value}"`;
    if (/\p{Cs}/u.test(value)) throw new InputError('a string with an unpaired surrogate has no canonical JSON form');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (typeof value === 'object') {
    const names = Object.keys(value)
      .filter((name) => value[name] !== undefined)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${names.map((name) => `${canonicalJson(name)}:${canonicalJson(value[name])}`).join(',')}}`;
  }
  throw new InputError(`a value of type ${typeof value} cannot be canonicalised`);
}

const sha256 = (...parts) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

export function eventHash(event) {
  const { hash: _own, ...metadata } = event.metadata ?? {};
  return sha256(canonicalJson({ stream: event.streamId, revision: event.revision, type: event.type, data: event.data, metadata })).toString('hex');
}

/** The event's hash from its content, or null when it has none (a value with no canonical JSON form). */
function contentHash(event) {
  try {
    return eventHash(event);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// RFC 6962 / RFC 9162 Merkle trees.

export const leafHash = (hash) => sha256(Buffer.from([0]), hash);
export const nodeHash = (left, right) => sha256(Buffer.from([1]), left, right);
const EMPTY_ROOT = sha256();

/** The tree kept as its perfect subtrees, largest first: memory grows with log(n). */
class CompactTree {
  subtrees = [];
  size = 0;

  append(leaf) {
    let node = { level: 0, hash: leaf };
    while (this.subtrees.length > 0 && this.subtrees.at(-1).level === node.level) {
      const left = this.subtrees.pop();
      node = { level: node.level + 1, hash: nodeHash(left.hash, node.hash) };
    }
    this.subtrees.push(node);
    this.size += 1;
  }

  root() {
    if (this.subtrees.length === 0) return EMPTY_ROOT;
    let hash = this.subtrees.at(-1).hash;
    for (let i = this.subtrees.length - 2; i >= 0; i--) hash = nodeHash(this.subtrees[i].hash, hash);
    return hash;
  }
}

const odd = (n) => n % 2 === 1;
const half = (n) => Math.floor(n / 2);

/** RFC 9162 2.1.3.2. */
export function verifyInclusion(index, size, leaf, proof, root) {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) {
        do {
          fn = half(fn);
          sn = half(sn);
        } while (!odd(fn) && fn !== 0);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 2.1.4.2. */
export function verifyConsistency(from, to, fromRoot, toRoot, proof) {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to) return false;
  if (from === to) return proof.length === 0 && fromRoot.equals(toRoot);
  if (from === 0) return proof.length === 0 && fromRoot.equals(EMPTY_ROOT);
  if (proof.length === 0) return false;
  const path = (from & (from - 1)) === 0 ? [fromRoot, ...proof] : [...proof];
  let fn = from - 1;
  let sn = to - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) {
        do {
          fn = half(fn);
          sn = half(sn);
        } while (!odd(fn) && fn !== 0);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return fr.equals(fromRoot) && sr.equals(toRoot) && sn === 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Checkpoints: Ed25519 over the canonical JSON of {origin, treeSize, rootHash, lastPosition, time, keyFingerprint}.

function fingerprintOf(publicKey) {
  return sha256(publicKey.export({ type: 'spki', format: 'der' })).toString('hex');
}

function checkpointSigned(checkpoint, publicKey, fingerprint) {
  if (checkpoint === null || typeof checkpoint !== 'object' || typeof checkpoint.signature !== 'string') return false;
  if (checkpoint.keyFingerprint !== fingerprint) return false;
  // Only the canonical base64 of 64 bytes: Node's decoder skips what it cannot read (a character appended after the
  // padding, say), and a signature altered so must not pass for the genuine one.
  const signature = Buffer.from(checkpoint.signature, 'base64');
  if (signature.length !== 64 || signature.toString('base64') !== checkpoint.signature) return false;
  const { origin, treeSize, rootHash, lastPosition, time, keyFingerprint } = checkpoint;
  const body = Buffer.from(canonicalJson({ origin, treeSize, rootHash, lastPosition, time, keyFingerprint }), 'utf8');
  try {
    return verifySignature(null, body, publicKey, signature);
  } catch {
    return false;
  }
}

function checkpointOfEvent(event) {
  const d = event.data ?? {};
  return {
    number: event.revision,
    position: event.position,
    origin: d.origin,
    treeSize: d.treeSize,
    rootHash: d.rootHash,
    lastPosition: d.lastPosition,
    time: d.time,
    keyFingerprint: d.keyFingerprint,
    signature: d.signature,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The log.

/**
 * Checks the events one at a time, in log order. `checkpoints`: the log's own, in order; `trusted`: checkpoints
 * kept from elsewhere. `lookUp`: positions and tree sizes a proof names, to find on the way.
 */
export class LogCheck {
  breaks = [];
  streams = new Map();
  tree = new CompactTree();
  unprotected = 0;
  chainSeen = false;
  lastPosition = null;
  lastGood = null;
  firstUnmatched = null;
  checkedCheckpoints = 0;
  found = { leaves: new Map(), roots: new Map() };

  constructor(publicKey, checkpoints, trusted = [], lookUp = { positions: [], sizes: [] }) {
    const fingerprint = fingerprintOf(publicKey);
    this.own = checkpoints;
    for (const checkpoint of trusted) {
      if (!checkpointSigned(checkpoint, publicKey, fingerprint)) {
        throw new InputError(`the checkpoint of tree size ${checkpoint.treeSize} given to check against is not signed by this key`);
      }
    }
    // Only what the key signed is compared with the log: a checkpoint it did not sign states nothing.
    this.all = trusted.map((c, i) => ({ ...c, number: -1 - i, position: '0' }));
    let previous = null;
    checkpoints.forEach((checkpoint, index) => {
      const at = BigInt(checkpoint.position);
      if (checkpointSigned(checkpoint, publicKey, fingerprint)) {
        this.checkedCheckpoints += 1;
        this.all.push(checkpoint);
      } else {
        const named = `(it names key ${String(checkpoint.keyFingerprint).slice(0, 16)}…)`;
        this.record(at, 'bad-signature', `checkpoint ${checkpoint.number} (tree size ${checkpoint.treeSize}) is not signed by the audit key ${named}`);
      }
      if (checkpoint.number !== index) {
        this.record(at, 'missing-event', `the checkpoint stream goes from checkpoint ${index - 1} to ${checkpoint.number}`);
      } else if (previous !== null && !(checkpoint.treeSize > previous.treeSize)) {
        this.record(at, 'order-changed', `checkpoint ${checkpoint.number} signs ${checkpoint.treeSize} events, no more than checkpoint ${previous.number} before it`);
      }
      previous = checkpoint;
    });
    this.checkedCheckpoints += trusted.filter((given) => !checkpoints.some((own) => own.signature === given.signature)).length;
    this.bySize = new Map();
    for (const checkpoint of this.all) this.bySize.set(checkpoint.treeSize, [...(this.bySize.get(checkpoint.treeSize) ?? []), checkpoint]);
    this.wantedPositions = new Set(lookUp.positions);
    this.wantedSizes = new Set(lookUp.sizes);
    if (this.wantedSizes.has(0)) this.found.roots.set(0, EMPTY_ROOT.toString('hex'));
    this.atSize(0);
  }

  record(position, reason, detail, until) {
    const found = { position, reason, detail, until };
    this.breaks.push(found);
    return found;
  }

  event(event) {
    if (event.streamId === CHECKPOINT_STREAM) return;
    const position = BigInt(event.position);
    if (this.firstUnmatched === null) this.firstUnmatched = position;
    const failure = this.checkEvent(event, position);
    if (failure) this.record(position, failure.reason, failure.detail);
    const own = event.metadata?.hash;
    const hash = typeof own === 'string' && failure === null ? own : (contentHash(event) ?? GENESIS);
    if (this.wantedPositions.has(event.position)) this.found.leaves.set(event.position, { index: this.tree.size, eventHash: hash });
    this.tree.append(leafHash(Buffer.from(hash, 'hex')));
    this.lastPosition = position;
    if (this.wantedSizes.has(this.tree.size)) this.found.roots.set(this.tree.size, this.tree.root().toString('hex'));
    this.atSize(this.tree.size);
  }

  atSize(size) {
    const checkpoints = this.bySize.get(size);
    if (!checkpoints) return;
    const root = this.tree.root().toString('hex');
    const lastPosition = this.lastPosition === null ? null : this.lastPosition.toString();
    let matched = false;
    for (const checkpoint of checkpoints) {
      if (root !== checkpoint.rootHash || lastPosition !== checkpoint.lastPosition) {
        const from = this.firstUnmatched ?? this.lastPosition ?? 0n;
        const name = checkpoint.number >= 0 ? `checkpoint ${checkpoint.number}` : 'the checkpoint given to check against';
        this.record(
          from,
          'root-mismatch',
          `the first ${size} events (to position ${lastPosition}) do not make the tree ${name} signed (root ${checkpoint.rootHash}, last position ${checkpoint.lastPosition}): ` +
            `events were changed, removed, added or reordered between position ${from} and ${lastPosition}`,
          this.lastPosition ?? 0n,
        );
      } else {
        matched = true;
        if (checkpoint.number >= 0 && (this.lastGood === null || checkpoint.treeSize >= this.lastGood.treeSize)) this.lastGood = checkpoint;
      }
    }
    if (matched) this.firstUnmatched = null;
  }

  checkEvent(event, position) {
    let state = this.streams.get(event.streamId);
    if (!state) this.streams.set(event.streamId, (state = { revision: -1, hash: GENESIS, gap: null }));
    const where = `${event.streamId}@${event.revision}`;
    if (state.gap !== null && event.revision === state.gap.revision) {
      state.gap.at.reason = 'order-changed';
      state.gap.at.detail = `${event.streamId}@${state.gap.revision} comes later in the log, at position ${position}, than events after it in its stream`;
      state.gap = null;
    }
    if (!Number.isSafeInteger(event.revision) || event.revision < 0) return { reason: 'hash-mismatch', detail: `${where}: the revision is not a whole number` };
    if (event.revision > state.revision + 1) {
      const at = this.record(position, 'missing-event', `${event.streamId} goes from revision ${state.revision} to ${event.revision}: revision ${state.revision + 1} is missing`);
      state.gap ??= { revision: state.revision + 1, at };
      state.revision = event.revision;
      state.hash = typeof event.metadata?.hash === 'string' ? event.metadata.hash : (contentHash(event) ?? GENESIS);
      return null;
    }
    if (event.revision <= state.revision) return { reason: 'order-changed', detail: `${where} comes after revision ${state.revision} of its stream` };
    const computed = contentHash(event);
    if (computed === null) return { reason: 'hash-mismatch', detail: `${where} holds a value that has no canonical JSON form (an unpaired surrogate, say): it was not recorded so` };
    const own = event.metadata?.hash;
    const prev = event.metadata?.prevHash;
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

  finish() {
    for (const checkpoint of this.all) {
      if (checkpoint.treeSize > this.tree.size) {
        const ends = this.lastPosition === null ? 'is empty' : `ends at position ${this.lastPosition}`;
        const name = checkpoint.number >= 0 ? `checkpoint ${checkpoint.number}` : 'a checkpoint given to check against';
        this.record(
          BigInt(checkpoint.lastPosition ?? '0'),
          'log-truncated',
          `${name} signed a tree of ${checkpoint.treeSize} events up to position ${checkpoint.lastPosition}; the log holds ${this.tree.size} and ${ends}`,
        );
      }
    }
    // A root mismatch only says a range changed; a break of an event inside that range says where and how.
    const eventBreaks = new Set(['hash-mismatch', 'chain-broken', 'missing-event', 'order-changed']);
    const located = this.breaks.filter(
      (b) => b.until === undefined || !this.breaks.some((c) => eventBreaks.has(c.reason) && c.position >= b.position && c.position <= b.until),
    );
    const broken = located.reduce((a, b) => (a === null || b.position < a.position ? b : a), null);
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
}

// ---------------------------------------------------------------------------------------------------------------
// Proofs, every field checked.

const isHash = (value) => typeof value === 'string' && HEX64.test(value);
const isSize = (value) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const hex = (value) => Buffer.from(value, 'hex');

export function proofKind(proof) {
  if (proof === null || typeof proof !== 'object' || Array.isArray(proof)) return null;
  if ('leafIndex' in proof || 'eventHash' in proof) return 'inclusion';
  if ('fromRoot' in proof || 'toRoot' in proof) return 'consistency';
  return null;
}

export function proofLookups(proof) {
  if (proof === null || typeof proof !== 'object') return { positions: [], sizes: [] };
  return { positions: typeof proof.position === 'string' ? [proof.position] : [], sizes: [proof.treeSize, proof.from, proof.to].filter(isSize) };
}

/** The first check the proof fails, or null. `found`: what the log check looked up (see `proofLookups`). */
export function proofFailure(proof, publicKey, found) {
  const fingerprint = fingerprintOf(publicKey);
  const signed = (checkpoint, name) => {
    if (checkpoint === null || typeof checkpoint !== 'object') return `${name} is missing`;
    return checkpointSigned(checkpoint, publicKey, fingerprint) ? null : `${name} is not signed by the audit key`;
  };
  const kind = proofKind(proof);
  if (kind === 'inclusion') {
    const { position, leafIndex, treeSize, eventHash: event, leafHash: leaf, proof: path, rootHash, checkpoint } = proof;
    if (typeof position !== 'string' || !/^[0-9]+$/.test(position)) return 'position is not a position';
    if (!isSize(leafIndex) || !isSize(treeSize)) return 'leafIndex and treeSize must be whole numbers';
    if (!isHash(event) || !isHash(leaf) || !isHash(rootHash)) return 'eventHash, leafHash and rootHash must be SHA-256 hashes in hex';
    if (!Array.isArray(path) || !path.every(isHash)) return 'proof must be a list of SHA-256 hashes in hex';
    const unsigned = signed(checkpoint, 'checkpoint');
    if (unsigned) return unsigned;
    if (checkpoint.treeSize !== treeSize) return `the checkpoint signs a tree of ${checkpoint.treeSize} events, not ${treeSize}`;
    if (checkpoint.rootHash !== rootHash) return 'the checkpoint signs another root than rootHash';
    if (leafHash(hex(event)).toString('hex') !== leaf) return 'leafHash is not SHA-256(0x00 ‖ eventHash)';
    if (!verifyInclusion(leafIndex, treeSize, hex(leaf), path.map(hex), hex(rootHash))) return `the audit path does not lead from leaf ${leafIndex} to the root of the tree of ${treeSize} events`;
    const at = found.leaves.get(position);
    if (!at) return `the log has no event at position ${position}`;
    if (at.index !== leafIndex) return `the event at position ${position} is leaf ${at.index} of the log, not ${leafIndex}`;
    if (at.eventHash !== event) return `the event at position ${position} has hash ${at.eventHash} in the log, not ${event}`;
    const root = found.roots.get(treeSize);
    if (root === undefined) return `the log holds fewer than ${treeSize} events`;
    if (root !== rootHash) return `the log's first ${treeSize} events make another root than the proof's`;
    return null;
  }
  if (kind === 'consistency') {
    const { from, to, fromRoot, toRoot, proof: path, fromCheckpoint, toCheckpoint } = proof;
    if (!isSize(from) || !isSize(to)) return 'from and to must be whole numbers';
    if (!isHash(fromRoot) || !isHash(toRoot)) return 'fromRoot and toRoot must be SHA-256 hashes in hex';
    if (!Array.isArray(path) || !path.every(isHash)) return 'proof must be a list of SHA-256 hashes in hex';
    for (const [name, checkpoint, size, root] of [
      ['fromCheckpoint', fromCheckpoint, from, fromRoot],
      ['toCheckpoint', toCheckpoint, to, toRoot],
    ]) {
      const unsigned = signed(checkpoint, name);
      if (unsigned) return unsigned;
      if (checkpoint.treeSize !== size) return `${name} signs a tree of ${checkpoint.treeSize} events, not ${size}`;
      if (checkpoint.rootHash !== root) return `${name} signs another root than the proof's`;
    }
    if (!verifyConsistency(from, to, hex(fromRoot), hex(toRoot), path.map(hex))) return `the proof does not show the tree of ${from} events a prefix of the tree of ${to}`;
    for (const [size, root] of [
      [from, fromRoot],
      [to, toRoot],
    ]) {
      const own = found.roots.get(size);
      if (own === undefined) return `the log holds fewer than ${size} events`;
      if (own !== root) return `the log's first ${size} events make another root than the proof's`;
    }
    return null;
  }
  return 'this is neither an inclusion proof nor a consistency proof';
}

// ---------------------------------------------------------------------------------------------------------------
// The pack.

async function* jsonLines(path) {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let number = 0;
  for await (const line of lines) {
    number += 1;
    if (line.trim() === '') continue;
    try {
      yield JSON.parse(line);
    } catch {
      throw new InputError(`${path}, line ${number}: not JSON`);
    }
  }
}

const CHECKPOINT_MARK = `"streamId":${JSON.stringify(CHECKPOINT_STREAM)}`;

/** The checkpoints as the log holds them: the events of their stream, in log order (a first, light pass). */
async function logCheckpoints(eventsFile) {
  const checkpoints = [];
  const lines = createInterface({ input: createReadStream(eventsFile, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.includes(CHECKPOINT_MARK)) continue;
    const event = JSON.parse(line);
    if (event.streamId === CHECKPOINT_STREAM) checkpoints.push(checkpointOfEvent(event));
  }
  return checkpoints;
}

/** Verifies the pack in `dir`; resolves to the report (and the proof's verdict when one is given). */
export async function verifyPack(dir, options = {}) {
  const eventsFile = join(dir, 'events.jsonl');
  if (!existsSync(eventsFile)) throw new InputError(`${dir} holds no events.jsonl: is it an evidence pack?`);
  const keyFile = options.publicKey ?? join(dir, 'public-key.pem');
  let publicKey;
  try {
    publicKey = createPublicKey(readFileSync(keyFile, 'utf8'));
  } catch (error) {
    throw new InputError(`${keyFile} is not a public key in PEM (${error.message})`);
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new InputError(`${keyFile} is an ${publicKey.asymmetricKeyType} key, not Ed25519`);

  const checkpoints = await logCheckpoints(eventsFile);
  const listed = existsSync(join(dir, 'checkpoints.jsonl')) ? await collect(jsonLines(join(dir, 'checkpoints.jsonl'))) : [];
  const packProblems = [];
  if (canonicalJson(listed) !== canonicalJson(checkpoints)) packProblems.push('checkpoints.jsonl does not list the checkpoints events.jsonl holds: the log\'s own were checked');
  const trusted = options.checkpoints ? await collect(jsonLines(options.checkpoints)) : [];
  const check = new LogCheck(publicKey, checkpoints, trusted, options.proof ? proofLookups(options.proof) : undefined);

  let previous = -1n;
  let order = null;
  for await (const event of jsonLines(eventsFile)) {
    if (typeof event.position !== 'string' || !/^[0-9]+$/.test(event.position)) throw new InputError(`an event of events.jsonl has no position: ${JSON.stringify(event).slice(0, 200)}`);
    const position = BigInt(event.position);
    if (position <= previous && order === null) order = check.record(position, 'order-changed', `position ${position} comes after position ${previous} in events.jsonl`);
    previous = position;
    check.event(event);
    if (options.progress && check.tree.size % 100_000 === 0) options.progress(check.tree.size);
  }
  const report = check.finish();
  const proof = options.proof === undefined ? null : { kind: proofKind(options.proof), failure: proofFailure(options.proof, publicKey, check.found) };
  return { report, proof, keyFingerprint: fingerprintOf(publicKey), packProblems };
}

async function collect(iterable) {
  const items = [];
  for await (const item of iterable) items.push(item);
  return items;
}

// ---------------------------------------------------------------------------------------------------------------
// The command line.

function parseArguments(argv) {
  const options = { json: false };
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new InputError(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--public-key') options.publicKey = value();
    else if (arg === '--checkpoints') options.checkpoints = value();
    else if (arg === '--proof') options.proofSource = value();
    else if (arg === '--token') options.token = value();
    else if (arg === '--json') options.json = true;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg.startsWith('--')) throw new InputError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (!options.help && positional.length !== 1) throw new InputError('give the evidence pack\'s folder');
  options.dir = positional[0];
  return options;
}

async function loadProof(source, token) {
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const body = await response.text();
    if (!response.ok) throw new InputError(`${source} answered ${response.status}: ${body.slice(0, 300)}`);
    return JSON.parse(body);
  }
  try {
    return JSON.parse(readFileSync(source, 'utf8'));
  } catch (error) {
    throw new InputError(`${source} cannot be read as JSON (${error.message})`);
  }
}

async function main(argv) {
  const options = parseArguments(argv);
  if (options.help) {
    process.stdout.write('node verify-evidence.mjs <pack-dir> [--public-key <pem>] [--checkpoints <jsonl>] [--proof <file|url>] [--token <t>] [--json]\n');
    return 0;
  }
  const proof = options.proofSource ? await loadProof(options.proofSource, options.token ?? process.env.DOCKET_TOKEN) : undefined;
  const tty = process.stderr.isTTY && !options.json;
  const started = Date.now();
  const { report, proof: verdict, keyFingerprint, packProblems } = await verifyPack(options.dir, {
    publicKey: options.publicKey,
    checkpoints: options.checkpoints,
    proof,
    progress: tty ? (n) => process.stderr.write(`\rchecked ${n.toLocaleString('en-US')} events…`) : undefined,
  });
  if (tty) process.stderr.write('\r\x1b[K');
  const seconds = (Date.now() - started) / 1000;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ...report, keyFingerprint, packProblems, ...(verdict ? { proof: { ...verdict, ok: verdict.failure === null } } : {}) }, null, 2)}\n`);
  } else {
    const out = (line) => process.stdout.write(`${line}\n`);
    out(`Key fingerprint: ${keyFingerprint} (compare it with the one published out of band).`);
    if (report.ok) {
      out(`The log verifies: ${report.checkedEvents} events, ${report.checkedCheckpoints} signed checkpoints (${seconds.toFixed(1)} s).`);
      const latest = report.checkpoint;
      if (latest) out(`Latest checkpoint: #${latest.number}, ${latest.treeSize} events to position ${latest.lastPosition}, signed ${latest.time}.`);
      if (report.unsignedEvents > 0) out(`${report.unsignedEvents} events after it: their chains hold; no checkpoint signs them yet.`);
    } else {
      out(`The log does NOT verify: ${report.reason} at position ${report.firstBrokenPosition}.`);
      out(`  ${report.detail}`);
    }
    if (report.unprotectedEvents > 0) out(`${report.unprotectedEvents} events were recorded before the hash chain existed (unprotected until a checkpoint signed them).`);
    for (const problem of packProblems) out(`Note: ${problem}.`);
    if (verdict) out(verdict.failure === null ? `The ${verdict.kind} proof holds.` : `The proof does NOT hold: ${verdict.failure}.`);
  }
  return report.ok && (verdict === null || verdict.failure === null) ? 0 : 1;
}

const invoked = process.argv[1] !== undefined && existsSync(process.argv[1]) && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (invoked) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error) => {
      process.stderr.write(`${error instanceof InputError ? '' : 'Unexpected failure: '}${error.message}\n`);
      process.exitCode = 2;
    },
  );
}
