import { createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifyCheckpoint } from '../../src/integrity/checkpoint.js';
import { leafHash, verifyConsistency, verifyInclusion } from '../../src/integrity/merkle.js';
import { STORE_KINDS, startApp } from '../support/app-harness.js';
import { httpClient } from '../support/http-client.js';
import { programmeHistory } from '../support/programme-history.js';
import { until } from '../support/until.js';

const ROUTES = ['/api/audit/verify', '/api/audit/checkpoints', '/api/audit/public-key', '/api/audit/proof/1', '/api/audit/consistency?from=1'];
const hex = (value: string) => Buffer.from(value, 'hex');

for (const store of STORE_KINDS) {
  describe(`tamper evidence over HTTP [${store}]`, () => {
    let app: Awaited<ReturnType<typeof startApp>>;
    const http = () => httpClient(app.baseUrl);
    const auditor = (path: string) => http().get(path, { role: 'auditor' });
    let publicKey: ReturnType<typeof createPublicKey>;
    const positions: string[] = [];

    beforeAll(async () => {
      // Checkpoints only when a proof asks for one: the test decides when the log is signed.
      app = await startApp(store, { CHECKPOINT_EVERY: '10000000', CHECKPOINT_SECONDS: '86400' });
    });
    afterAll(async () => {
      await app?.stop();
    });

    it('answers auditors, officials and admins; 401 without a token, 403 to subscribers and evaluators', async () => {
      for (const path of ROUTES) {
        expect((await http().get(path, { role: null })).status).toBe(401);
        for (const role of ['subscriber', 'evaluator'] as const) {
          const response = await http().get(path, { role });
          expect({ path, role, status: response.status, code: response.body.code }).toEqual({ path, role, status: 403, code: 'FORBIDDEN' });
        }
      }
      for (const role of ['auditor', 'official', 'admin'] as const) expect((await http().get('/api/audit/public-key', { role })).status).toBe(200);
    });

    it('serves the Ed25519 public key with its fingerprint', async () => {
      const response = await auditor('/api/audit/public-key');
      expect(response.body).toMatchObject({ algorithm: 'Ed25519', origin: 'docket', fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
      publicKey = createPublicKey(response.body.publicKey);
      expect(publicKey.asymmetricKeyType).toBe('ed25519');
    });

    it('verifies an empty log, lists no checkpoint, and has no proof to give yet', async () => {
      expect((await auditor('/api/audit/verify')).body).toEqual({
        ok: true,
        checkedEvents: 0,
        unprotectedEvents: 0,
        checkedCheckpoints: 0,
        unsignedEvents: 0,
        firstBrokenPosition: null,
        reason: null,
        detail: null,
        checkpoint: null,
      });
      expect((await auditor('/api/audit/checkpoints')).body).toEqual({ items: [], next: null });
      expect((await auditor('/api/audit/proof/1')).body).toMatchObject({ status: 404, code: 'EVENT_NOT_FOUND' });
      expect((await auditor('/api/audit/consistency?from=1')).body).toMatchObject({ status: 404, code: 'CHECKPOINT_NOT_FOUND' });
    });

    it('verifies the recorded history; every event counted, none unprotected, none signed yet', async () => {
      for (const { path, body } of programmeHistory('sovereign-ai-2025')) {
        const response = await http().post(path, body);
        expect(response.status).toBe(201);
        positions.push(response.body.position);
      }
      const events = (await auditor(`/api/audit?limit=1000&minPosition=${positions.at(-1)}`)).body.items.length;
      const report = (await auditor('/api/audit/verify')).body;
      expect(report).toMatchObject({ ok: true, checkedEvents: events, unprotectedEvents: 0, unsignedEvents: events, firstBrokenPosition: null, reason: null, checkpoint: null });
    });

    let first: { treeSize: number; rootHash: string };

    it('proves an event under a checkpoint signed for it; the proof and the signature check with the public key alone', async () => {
      const position = positions[3]!;
      const response = await auditor(`/api/audit/proof/${position}`);
      expect(response.status).toBe(200);
      const proof = response.body;
      expect(proof).toMatchObject({ position, treeSize: expect.any(Number), leafIndex: expect.any(Number) });
      expect(proof.checkpoint.lastPosition).toBe(positions.at(-1));
      expect(verifyCheckpoint(proof.checkpoint, publicKey)).toBe(true);
      expect(proof.rootHash).toBe(proof.checkpoint.rootHash);
      expect(leafHash(hex(proof.eventHash)).toString('hex')).toBe(proof.leafHash);
      expect(verifyInclusion(proof.leafIndex, proof.treeSize, hex(proof.leafHash), proof.proof.map(hex), hex(proof.rootHash))).toBe(true);
      first = proof.checkpoint;
      // The same proof again: no new checkpoint for an event the latest one covers.
      expect((await auditor(`/api/audit/proof/${position}`)).body.checkpoint.number).toBe(0);
      const report = (await auditor('/api/audit/verify')).body;
      expect(report).toMatchObject({ ok: true, checkedCheckpoints: 1, unsignedEvents: 0, checkpoint: { number: 0, treeSize: first.treeSize } });
    });

    it('verifies a log that grew after its checkpoint, proves consistency between two checkpoints, and refuses an event after one', async () => {
      const launch = programmeHistory('later-call')[0]!;
      const more = await http().post(launch.path, launch.body);
      expect(more.status).toBe(201);
      const grown = (await auditor('/api/audit/verify')).body;
      expect(grown).toMatchObject({ ok: true, unsignedEvents: 1, checkpoint: { number: 0 } });

      const late = await auditor(`/api/audit/proof/${more.body.position}?treeSize=${first.treeSize}`);
      expect(late.body).toMatchObject({ status: 409, code: 'EVENT_AFTER_CHECKPOINT' });
      const second = (await auditor(`/api/audit/proof/${more.body.position}`)).body;
      expect(second.checkpoint).toMatchObject({ number: 1, treeSize: first.treeSize + 1, lastPosition: more.body.position });

      const consistency = (await auditor(`/api/audit/consistency?from=${first.treeSize}`)).body;
      expect(consistency).toMatchObject({ from: first.treeSize, to: first.treeSize + 1, fromRoot: first.rootHash, toRoot: second.checkpoint.rootHash });
      expect(verifyConsistency(consistency.from, consistency.to, hex(consistency.fromRoot), hex(consistency.toRoot), consistency.proof.map(hex))).toBe(true);
      const explicit = (await auditor(`/api/audit/consistency?from=${first.treeSize}&to=${first.treeSize + 1}`)).body;
      expect(explicit.proof).toEqual(consistency.proof);
      // An older event, under the older checkpoint still.
      const old = (await auditor(`/api/audit/proof/${positions[0]}?treeSize=${first.treeSize}`)).body;
      expect(old).toMatchObject({ leafIndex: 0, treeSize: first.treeSize, checkpoint: { number: 0 } });
      expect(verifyInclusion(0, old.treeSize, hex(old.leafHash), old.proof.map(hex), hex(first.rootHash))).toBe(true);
    });

    it('lists the checkpoints newest first, a page at a time', async () => {
      const all = (await auditor('/api/audit/checkpoints')).body;
      expect(all.items.map((c: { number: number }) => c.number)).toEqual([1, 0]);
      expect(all.next).toBeNull();
      const page = (await auditor('/api/audit/checkpoints?limit=1')).body;
      expect(page).toMatchObject({ items: [{ number: 1 }], next: 1 });
      expect((await auditor(`/api/audit/checkpoints?limit=1&after=${page.next}`)).body).toMatchObject({ items: [{ number: 0 }], next: null });
      for (const checkpoint of all.items) expect(verifyCheckpoint(checkpoint, publicKey)).toBe(true);
    });

    it('refuses malformed parameters with 400 and unknown checkpoints and events with 404', async () => {
      for (const path of [
        '/api/audit/proof/abc',
        '/api/audit/proof/-1',
        '/api/audit/proof/1?treeSize=0',
        '/api/audit/proof/1?treeSize=1.5',
        '/api/audit/proof/1?size=3',
        '/api/audit/consistency',
        '/api/audit/consistency?from=2&to=1',
        '/api/audit/consistency?from=x',
        '/api/audit/checkpoints?limit=0',
        '/api/audit/checkpoints?limit=1001',
        '/api/audit/checkpoints?after=-1',
        '/api/audit/verify?deep=true',
      ]) {
        const response = await auditor(path);
        expect({ path, status: response.status, code: response.body.code }).toEqual({ path, status: 400, code: 'VALIDATION_FAILED' });
      }
      expect((await auditor('/api/audit/proof/99999999')).body).toMatchObject({ status: 404, code: 'EVENT_NOT_FOUND' });
      expect((await auditor(`/api/audit/proof/${positions[0]}?treeSize=2`)).body).toMatchObject({ status: 404, code: 'CHECKPOINT_NOT_FOUND' });
      expect((await auditor(`/api/audit/consistency?from=2&to=${first.treeSize}`)).body).toMatchObject({ status: 404, code: 'CHECKPOINT_NOT_FOUND' });
      // A checkpoint's own event is not a leaf of the tree it signs.
      const checkpoint = (await auditor('/api/audit/checkpoints?limit=1')).body.items[0];
      expect((await auditor(`/api/audit/proof/${checkpoint.position}`)).body).toMatchObject({ status: 404, code: 'EVENT_NOT_FOUND' });
    });

    it('keeps what it verified across a restart', async () => {
      await app.restart();
      expect((await auditor('/api/audit/verify')).body).toMatchObject({ ok: true, checkedCheckpoints: 2, unsignedEvents: 0, checkpoint: { number: 1 } });
    });
  });
}

describe('checkpoints signed on their own', () => {
  it('signs one once CHECKPOINT_EVERY events have gone unsigned, with an expected revision', async () => {
    const app = await startApp('sqlite', { CHECKPOINT_EVERY: '10', CHECKPOINT_SECONDS: '86400' });
    try {
      const http = httpClient(app.baseUrl);
      let last = '';
      for (const { path, body } of programmeHistory('sovereign-ai-2025').slice(0, 12)) last = (await http.post(path, body)).body.position;
      const page = await until(
        () => http.get('/api/audit/checkpoints', { role: 'auditor' }),
        (response) => response.body.items.length > 0,
      );
      expect(page.body.items).toHaveLength(1);
      expect(page.body.items[0].treeSize).toBeGreaterThanOrEqual(10);
      expect(BigInt(page.body.items[0].lastPosition)).toBeLessThanOrEqual(BigInt(last));
    } finally {
      await app.stop();
    }
  });
});
