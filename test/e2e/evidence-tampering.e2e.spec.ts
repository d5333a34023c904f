import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import Database from 'better-sqlite3';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/app-config.js';
import { CHECKPOINT_STREAM, CheckpointSigner } from '../../src/integrity/checkpoint.js';
import { startApp } from '../support/app-harness.js';
import { runCli, runNode } from '../support/cli.js';
import type { StoredEvent } from '../support/eventstoredb-test-server/event-log.js';
import { httpClient } from '../support/http-client.js';
import { programmeHistory } from '../support/programme-history.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * Tampering found by the three verifiers an auditor has: the server's GET /api/audit/verify, `npm run cli -- verify`,
 * and the standalone `tools/verify-evidence.mjs` on an evidence pack exported with `npm run cli -- export-evidence`,
 * each at the same position for the same reason. The log is altered as an insider would: the SQLite file edited
 * directly, or the events an EventStoreDB serves changed under the application.
 */
const VERIFIER = fileURLToPath(new URL('../../tools/verify-evidence.mjs', import.meta.url));
const ONLY_ON_DEMAND = { CHECKPOINT_EVERY: '10000000', CHECKPOINT_SECONDS: '86400' };

const cli = (args: string[], env: Record<string, string>) => runCli(args, env);
/** The standalone verifier, as an auditor runs it: plain `node`, nothing of this repository loaded. */
const offline = (args: string[]) => runNode([VERIFIER, ...args]);

interface Found {
  ok: boolean;
  reason: string | null;
  firstBrokenPosition: string | null;
}
const found = ({ ok, reason, firstBrokenPosition }: Found): Found => ({ ok, reason, firstBrokenPosition });

/** Every verifier's finding on the log in `dataDir` (with `env` for the store), the running server's first. */
async function allVerifiers(server: string, dataDir: string, env: Record<string, string>): Promise<Record<'server' | 'cli' | 'offline', Found>> {
  const verified = await httpClient(server).get('/api/audit/verify', { role: 'auditor' });
  expect(verified.status).toBe(200);
  const viaCli = await cli(['verify', '--json'], { DATA_DIR: dataDir, ...env });
  const pack = join(dataDir, `pack-${Date.now()}`);
  const exported = await cli(['export-evidence', pack, '--no-progress'], { DATA_DIR: dataDir, ...env });
  expect(exported).toMatchObject({ code: 0, stderr: '' });
  const viaPack = await offline([pack, '--json']);
  for (const [name, result] of [
    ['cli', viaCli],
    ['offline', viaPack],
  ] as const) {
    const report = JSON.parse(result.stdout) as Found;
    expect({ name, code: result.code }).toEqual({ name, code: report.ok ? 0 : 1 });
  }
  return { server: found(verified.body), cli: found(JSON.parse(viaCli.stdout)), offline: found(JSON.parse(viaPack.stdout)) };
}

function expectAll(findings: Record<string, Found>, reason: string, position: string | bigint): void {
  const where = { ok: false, reason, firstBrokenPosition: position.toString() };
  expect(findings).toEqual({ server: where, cli: where, offline: where });
}

describe('tamper evidence end to end [sqlite]', () => {
  const root = tempDir('docket-tamper-');
  const pristine = join(root.path, 'pristine');
  let app: INestApplication | null = null;
  let url = '';
  const positions: string[] = [];
  let checkpoints: Array<{ number: number; position: string; treeSize: number; lastPosition: string; signature: string }> = [];

  const listen = async (dataDir: string) => {
    const started = await createApp(loadConfig({ PORT: '0', DATA_DIR: dataDir, ...ONLY_ON_DEMAND }), { logger: false });
    await started.listen(0, '127.0.0.1');
    return { app: started, url: `http://127.0.0.1:${(started.getHttpServer().address() as { port: number }).port}` };
  };

  beforeAll(async () => {
    ({ app, url } = await listen(pristine));
    const http = httpClient(url);
    const history = programmeHistory('sovereign-ai-2025');
    for (const [i, { path, body }] of history.entries()) {
      positions.push((await http.post(path, body)).body.position);
      // Two checkpoints, signed when a proof asks for them: after the 20th decision and after the last.
      if (i === 19 || i === history.length - 1) expect((await http.get(`/api/audit/proof/${positions.at(-1)}`, { role: 'auditor' })).status).toBe(200);
    }
    const launch = programmeHistory('later-call')[0]!;
    positions.push((await http.post(launch.path, launch.body)).body.position);
    checkpoints = (await http.get('/api/audit/checkpoints', { role: 'auditor' })).body.items.reverse();
    expect(checkpoints.map((c) => c.number)).toEqual([0, 1]);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    root.remove();
  });

  it('exports a pack from the running server that verifies offline with Node alone, with an inclusion proof fetched from the API', async () => {
    const pack = join(root.path, 'pack');
    const exported = await cli(['export-evidence', pack, '--no-progress'], { DATA_DIR: pristine });
    expect(exported).toMatchObject({ code: 0, stderr: '' });
    expect(readdirSync(pack).sort()).toEqual(['README.md', 'checkpoints.jsonl', 'events.jsonl', 'manifest.json', 'public-key.pem', 'verify-evidence.mjs']);
    const manifest = JSON.parse(readFileSync(join(pack, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 'docket-evidence/1', origin: 'docket', checkpoints: 2, treeEvents: positions.length });
    const key = (await httpClient(url).get('/api/audit/public-key', { role: 'auditor' })).body;
    expect(manifest.keyFingerprint).toBe(key.fingerprint);
    expect(readFileSync(join(pack, 'public-key.pem'), 'utf8')).toBe(key.publicKey);

    const proofUrl = `${url}/api/audit/proof/${positions[5]}?treeSize=${checkpoints[1]!.treeSize}`;
    const verified = await offline([pack, '--proof', proofUrl, '--token', 'dev-auditor-token']);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(`The log verifies: ${positions.length} events, 2 signed checkpoints`);
    expect(verified.stdout).toContain('1 events after it: their chains hold');
    expect(verified.stdout).toContain('The inclusion proof holds.');
    // The copy shipped in the pack is the same verifier.
    const bundled = await runNode([join(pack, 'verify-evidence.mjs'), pack]);
    expect(bundled.code).toBe(0);
    writeFileSync(join(root.path, 'proof.json'), JSON.stringify((await httpClient(url).get(`/api/audit/consistency?from=${checkpoints[0]!.treeSize}`, { role: 'auditor' })).body));
    const consistent = await offline([pack, '--proof', join(root.path, 'proof.json')]);
    expect(consistent.stdout).toContain('The consistency proof holds.');

    const viaCli = await cli(['verify', '--proof', join(root.path, 'proof.json')], { DATA_DIR: pristine });
    expect(viaCli.code).toBe(0);
    expect(viaCli.stdout).toContain(`The log verifies: ${positions.length} events, 2 signed checkpoints.`);
    expect(viaCli.stdout).toContain('The consistency proof holds.');
  }, 60_000);

  it('refuses a forged inclusion proof and a forged consistency proof, in the CLI and offline, exit 1', async () => {
    const http = httpClient(url);
    const inclusion = (await http.get(`/api/audit/proof/${positions[5]}`, { role: 'auditor' })).body;
    const consistency = (await http.get(`/api/audit/consistency?from=${checkpoints[0]!.treeSize}`, { role: 'auditor' })).body;
    const forgeries: Array<[unknown, string]> = [
      [{ ...inclusion, leafIndex: inclusion.leafIndex + 1 }, 'The proof does NOT hold: the audit path does not lead from leaf'],
      [{ ...inclusion, proof: [...inclusion.proof.slice(1), inclusion.proof[0]] }, 'The proof does NOT hold: the audit path does not lead'],
      [{ ...consistency, toRoot: consistency.fromRoot }, 'The proof does NOT hold: toCheckpoint signs another root'],
      [{ ...consistency, proof: consistency.proof.slice(1) }, 'The proof does NOT hold: the proof does not show the tree'],
    ];
    const pack = join(root.path, 'pack');
    for (const [index, [forged, refusal]] of forgeries.entries()) {
      const file = join(root.path, `forged-${index}.json`);
      writeFileSync(file, JSON.stringify(forged));
      const viaCli = await cli(['verify', '--proof', file], { DATA_DIR: pristine });
      expect({ index, code: viaCli.code }).toEqual({ index, code: 1 });
      expect(viaCli.stdout).toContain(refusal);
      const viaPack = await offline([pack, '--proof', file]);
      expect({ index, code: viaPack.code }).toEqual({ index, code: 1 });
      expect(viaPack.stdout).toContain(refusal);
    }
  }, 60_000);

  describe('the log altered in its SQLite file, found at the same position by the server, the CLI and the offline verifier', () => {
    let cases = 0;
    /** A copy of the data folder, altered, with a server started on it; the findings of all three verifiers. */
    const tampered = async (alter: (db: Database.Database) => void) => {
      if (app) {
        await app.close();
        app = null;
      }
      const dataDir = join(root.path, `case-${++cases}`);
      cpSync(pristine, dataDir, { recursive: true, filter: (source) => !source.includes(`${pristine}/pack`) });
      const db = new Database(join(dataDir, 'events.sqlite'));
      alter(db);
      db.close();
      const running = await listen(dataDir);
      try {
        return await allVerifiers(running.url, dataDir, {});
      } finally {
        await running.app.close();
      }
    };
    const event = (position: string) => ({ position: BigInt(position) });

    it("one byte of an event's data", async () => {
      const target = positions[30]!;
      const oneByte = (db: Database.Database) => {
        const { data } = db.prepare('SELECT data FROM events WHERE position = ?').get(event(target).position) as { data: string };
        // The first letter inside a string value, turned into another letter: still JSON, one byte different.
        const at = data.search(/:"[a-z]/) + 2;
        const changed = data.slice(0, at) + (data[at] === 'x' ? 'y' : 'x') + data.slice(at + 1);
        expect(Buffer.byteLength(changed)).toBe(Buffer.byteLength(data));
        db.prepare('UPDATE events SET data = ? WHERE position = ?').run(changed, event(target).position);
      };
      expectAll(await tampered(oneByte), 'hash-mismatch', target);
    }, 60_000);

    it("an event's actor, and an event's reason", async () => {
      const actor = positions[31]!;
      expectAll(
        await tampered((db) => db.prepare(`UPDATE events SET metadata = json_set(metadata, '$.actor.id', 'someone-else') WHERE position = ?`).run(event(actor).position)),
        'hash-mismatch',
        actor,
      );
      const reason = positions[3]!;
      expectAll(await tampered((db) => db.prepare(`UPDATE events SET metadata = json_set(metadata, '$.reason', 'A better reason') WHERE position = ?`).run(event(reason).position)), 'hash-mismatch', reason);
    }, 90_000);

    it('an event deleted, and two events swapped', async () => {
      const deleted = positions[30]!;
      expectAll(await tampered((db) => db.prepare('DELETE FROM events WHERE position = ?').run(event(deleted).position)), 'missing-event', positions[31]!);
      const [a, b] = [event(positions[40]!).position, event(positions[41]!).position];
      const swap = (db: Database.Database) =>
        db.transaction(() => {
          db.prepare('UPDATE events SET position = -1 WHERE position = ?').run(a);
          db.prepare('UPDATE events SET position = ? WHERE position = ?').run(a, b);
          db.prepare('UPDATE events SET position = ? WHERE position = -1').run(b);
        })();
      expectAll(await tampered(swap), 'order-changed', positions[40]!);
    }, 90_000);

    it('the log truncated after a checkpoint', async () => {
      const first = checkpoints[0]!;
      const second = checkpoints[1]!;
      const cut = (db: Database.Database) => db.prepare('DELETE FROM events WHERE position > ? AND stream_id <> ?').run(BigInt(first.lastPosition), CHECKPOINT_STREAM);
      expectAll(await tampered(cut), 'log-truncated', second.lastPosition);
    }, 60_000);

    it("a checkpoint's signature replaced, and a checkpoint re-signed with another key", async () => {
      const [first, second] = checkpoints as [(typeof checkpoints)[0], (typeof checkpoints)[0]];
      const setData = (db: Database.Database, data: object) => db.prepare('UPDATE events SET data = ? WHERE position = ?').run(JSON.stringify(data), BigInt(second.position));
      const { number: _n, position: _p, ...signed } = second;
      expectAll(await tampered((db) => setData(db, { ...signed, signature: first.signature })), 'bad-signature', second.position);
      const { keyFingerprint: _k, signature: _s, ...body } = signed as typeof signed & { keyFingerprint: string; origin: string; rootHash: string; time: string };
      const resigned = CheckpointSigner.generate().sign(body as never);
      expectAll(await tampered((db) => setData(db, resigned)), 'bad-signature', second.position);
    }, 90_000);
  });
});

describe('tamper evidence end to end [eventstoredb]', () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  const data = tempDir('docket-tamper-esdb-');
  const positions: string[] = [];

  beforeAll(async () => {
    app = await startApp('eventstoredb', { ...ONLY_ON_DEMAND, DATA_DIR: data.path });
    const http = httpClient(app.baseUrl);
    for (const { path, body } of programmeHistory('sovereign-ai-2025')) positions.push((await http.post(path, body)).body.position);
    expect((await http.get(`/api/audit/proof/${positions.at(-1)}`, { role: 'auditor' })).status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    data.remove();
  });

  const env = () => ({ EVENTSTORE_CONNECTION_STRING: app.eventStoreDb!.connectionString });
  const served = (position: string) => app.eventStoreDb!.events.find((event) => event.position === BigInt(position)) as StoredEvent;

  it('verifies the log as the server recorded it', async () => {
    const findings = await allVerifiers(app.baseUrl, data.path, env());
    expect(findings).toEqual({ server: { ok: true, reason: null, firstBrokenPosition: null }, cli: { ok: true, reason: null, firstBrokenPosition: null }, offline: { ok: true, reason: null, firstBrokenPosition: null } });
  }, 60_000);

  it("finds an event's data changed where EventStoreDB serves it", async () => {
    const target = served(positions[12]!);
    const original = target.data;
    const content = JSON.parse(Buffer.from(original).toString('utf8'));
    target.data = new Uint8Array(Buffer.from(JSON.stringify({ ...content, amended: true }), 'utf8'));
    try {
      expectAll(await allVerifiers(app.baseUrl, data.path, env()), 'hash-mismatch', positions[12]!);
    } finally {
      target.data = original;
    }
  }, 60_000);
});
