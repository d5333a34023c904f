import { createHash, type KeyObject } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/app-config.js';
import { createEventStore } from '../event-store/event-store.module.js';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { CHECKPOINT_STREAM, keyFingerprint } from '../integrity/checkpoint.js';
import { loggedCheckpoint } from '../integrity/log-verifier.js';
import { auditPublicKey } from './audit-key.js';
import { EXIT, fail } from './cli-options.js';
import { LogProgress } from './log-progress.js';

export interface ExportOptions {
  publicKey?: string;
  progress: boolean;
}

/** The standalone verifier, shipped in the pack for convenience (the pack's README says where to get one to trust). */
const VERIFIER = fileURLToPath(new URL('../../tools/verify-evidence.mjs', import.meta.url));
export const EVIDENCE_FORMAT = 'docket-evidence/1';

/**
 * `export-evidence <dir>`: an evidence pack an auditor verifies on their own machine with Node alone. The events
 * as JSON Lines in log order exactly as the store holds them (up to the head when the export began), the signed
 * checkpoints among them, the public key, a manifest with every file's SHA-256, a README, and the verifier.
 */
export async function exportEvidenceCommand(dir: string, options: ExportOptions): Promise<number> {
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0) return fail(`Refused: ${target} is not empty; export into a new or empty folder.`, EXIT.usage);
  const config = loadConfig(process.env);
  const publicKey = auditPublicKey(config, options.publicKey);
  mkdirSync(target, { recursive: true });
  const store = createEventStore(config, { readOnly: true });
  const files: Record<string, string> = {};
  let events = 0;
  let treeEvents = 0;
  let checkpoints = 0;
  let head: bigint | null;
  try {
    head = await store.headPosition();
    const progress = new LogProgress('export', head, options.progress && process.stderr.isTTY === true);
    const eventsFile = new HashedFile(join(target, 'events.jsonl'));
    const checkpointsFile = new HashedFile(join(target, 'checkpoints.jsonl'));
    if (head !== null) {
      for await (const event of store.readAll()) {
        if (event.position > head) break;
        await eventsFile.write(`${storedLine(event)}\n`);
        events += 1;
        if (event.streamId === CHECKPOINT_STREAM) {
          await checkpointsFile.write(`${JSON.stringify(loggedCheckpoint(event))}\n`);
          checkpoints += 1;
        } else treeEvents += 1;
        if (events % 10_000 === 0) progress.update(events, event.position);
      }
    }
    progress.stop(events);
    files['events.jsonl'] = await eventsFile.close();
    files['checkpoints.jsonl'] = await checkpointsFile.close();
  } finally {
    await store.close();
  }
  files['public-key.pem'] = writeHashed(join(target, 'public-key.pem'), publicKey.export({ type: 'spki', format: 'pem' }).toString());
  files['verify-evidence.mjs'] = writeHashed(join(target, 'verify-evidence.mjs'), readFileSync(VERIFIER, 'utf8'));
  files['README.md'] = writeHashed(join(target, 'README.md'), readme(config.auditOrigin, publicKey));
  const manifest = {
    format: EVIDENCE_FORMAT,
    origin: config.auditOrigin,
    exportedAt: new Date().toISOString(),
    lastPosition: head === null ? null : head.toString(),
    events,
    treeEvents,
    checkpoints,
    keyFingerprint: keyFingerprint(publicKey),
    sha256: files,
  };
  writeFileSync(join(target, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  process.stdout.write(
    `Exported ${events.toLocaleString('en-US')} events (${checkpoints} checkpoints) to ${target}.\n` +
      `Verify it anywhere with Node alone: node ${join(target, 'verify-evidence.mjs')} ${target}\n`,
  );
  return EXIT.ok;
}

/** An event as the store holds it: every field, the data and metadata untouched, the position as digits. */
function storedLine(event: RecordedEvent): string {
  const { position, streamId, revision, eventId, type, data, metadata, recordedAt } = event;
  return JSON.stringify({ position: position.toString(), streamId, revision, eventId, type, data, metadata, recordedAt: recordedAt.toISOString() });
}

/** A file written as a stream (waiting when the disk is slower than the log), hashed on the way. */
class HashedFile {
  private readonly out;
  private readonly hash = createHash('sha256');

  constructor(path: string) {
    this.out = createWriteStream(path, { encoding: 'utf8' });
  }

  async write(text: string): Promise<void> {
    this.hash.update(text, 'utf8');
    if (!this.out.write(text)) await once(this.out, 'drain');
  }

  async close(): Promise<string> {
    this.out.end();
    await once(this.out, 'finish');
    return this.hash.digest('hex');
  }
}

function writeHashed(path: string, text: string): string {
  writeFileSync(path, text);
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function readme(origin: string, publicKey: KeyObject): string {
  return `# Evidence pack of the Docket log "${origin}"

This folder holds the complete event log of a Docket (the decisions of the ministry's programmes) as it stood when
it was exported, and what you need to check, on your own machine, that it is complete and unaltered.

| File | What it is |
| --- | --- |
| \`events.jsonl\` | Every event of the log, one JSON object per line, in log order, exactly as the event store holds it. |
| \`checkpoints.jsonl\` | The signed checkpoints (they are also events of the log, in the stream \`${CHECKPOINT_STREAM}\`). |
| \`public-key.pem\` | The Ed25519 public key that signs the checkpoints. |
| \`manifest.json\` | Counts, the key's fingerprint and the SHA-256 of every file. |
| \`verify-evidence.mjs\` | A verifier that needs Node.js (18 or later) and nothing else. |

## How the log protects itself

- Every event carries in its metadata \`hash\`: SHA-256 of the RFC 8785 canonical JSON of
  \`{stream, revision, type, data, metadata}\` (the metadata without \`hash\`), and \`prevHash\`: the hash of the
  event before it in its stream (64 zeros for the first). Changing, removing or reordering an event breaks its
  stream's chain.
- All events (but the checkpoints) are the leaves of an RFC 6962 Merkle tree, in log order. Every so often the
  server signs a checkpoint \`{origin, treeSize, rootHash, lastPosition, time, keyFingerprint}\` (Ed25519 over its
  RFC 8785 canonical JSON) and appends it to the log. Any change to the first \`treeSize\` events changes the root.

## How to verify

1. Check the key first: its fingerprint (SHA-256 of its DER form) is
   \`${keyFingerprint(publicKey)}\`.
   Compare it with the one the ministry published through another channel. A pack with another key proves nothing.
2. Run \`node verify-evidence.mjs .\` in this folder. It recomputes every hash and chain, rebuilds the tree, and checks
   every checkpoint's signature and root. It prints the first broken position and why, or that the log verifies;
   exit code 0 when it does, 1 when it does not.
3. The verifier shipped here is a convenience: a careful auditor runs one from Docket's source repository
   (\`tools/verify-evidence.mjs\`) or their own; it is short and uses Node's standard library only.

Options: \`--public-key <pem>\` checks with a key you obtained yourself; \`--checkpoints <file>\` also checks against
checkpoints you kept from an earlier pack (a log cut back together with its later checkpoints is then found);
\`--proof <file or URL>\` checks an inclusion or consistency proof from the API (\`GET /api/audit/proof/{position}\`,
\`GET /api/audit/consistency?from=&to=\`; pass \`--token\` for a URL) against the key and this log.

Events after the last checkpoint are checked by their chains only: no signature covers them yet.
`;
}
