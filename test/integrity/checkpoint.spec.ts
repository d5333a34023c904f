import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../src/config/app-config.js';
import { CheckpointSigner, keyFingerprint, signedBytes, verifyCheckpoint } from '../../src/integrity/checkpoint.js';
import { DEV_SIGNING_KEY_FILE, loadCheckpointSigner } from '../../src/integrity/signing-key.js';
import { tempDir } from '../support/temp-dir.js';

const signer = CheckpointSigner.generate();
const body = { origin: 'docket', treeSize: 1187, rootHash: 'ab'.repeat(32), lastPosition: '1190', time: '2026-12-06T09:00:00.000Z' };

describe('a signed checkpoint', () => {
  const signed = signer.sign(body);

  it('names its key and verifies under it, and under no other', () => {
    expect(signed.keyFingerprint).toBe(keyFingerprint(signer.publicKey));
    expect(verifyCheckpoint(signed, signer.publicKey)).toBe(true);
    expect(verifyCheckpoint(signed, CheckpointSigner.generate().publicKey)).toBe(false);
  });

  it('signs the canonical JSON of its fields, whatever their order', () => {
    expect(signedBytes(signed).toString()).toBe(
      `{"keyFingerprint":"${signed.keyFingerprint}","lastPosition":"1190","origin":"docket","rootHash":"${'ab'.repeat(32)}","time":"2026-12-06T09:00:00.000Z","treeSize":1187}`,
    );
  });

  it('fails with any signed field changed, or its type', () => {
    for (const changed of [
      { origin: 'docket2' },
      { treeSize: 1188 },
      { treeSize: '1187' },
      { rootHash: 'ac'.repeat(32) },
      { lastPosition: '1191' },
      { lastPosition: null },
      { time: '2026-12-06T09:00:00.001Z' },
    ]) {
      expect({ changed, valid: verifyCheckpoint({ ...signed, ...changed } as never, signer.publicKey) }).toEqual({ changed, valid: false });
    }
  });

  it('fails with a signature that is not exactly the canonical base64 of 64 bytes, though Node would decode it', () => {
    const s = signed.signature;
    for (const signature of [`${s}0`, `${s}=`, ` ${s}`, `${s}\n`, s.replace(/\+/g, '-').replace(/\//g, '_'), s.slice(0, -4), '', 'AAAA']) {
      expect({ signature, valid: verifyCheckpoint({ ...signed, signature }, signer.publicKey) }).toEqual({ signature, valid: false });
    }
    expect(verifyCheckpoint({ ...signed, signature: undefined as never }, signer.publicKey)).toBe(false);
  });
});

describe('the signing key', () => {
  const data = tempDir('docket-key-');
  afterAll(() => data.remove());
  const quiet = { warn: () => undefined };

  it('is generated once into DATA_DIR outside production, kept private, loudly, and the same on the next start', () => {
    const warnings: string[] = [];
    const config = loadConfig({ DATA_DIR: data.path });
    const first = loadCheckpointSigner(config, { warn: (message: string) => warnings.push(message) });
    const file = join(data.path, DEV_SIGNING_KEY_FILE);
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(warnings.join('\n')).toContain('DEVELOPMENT key');
    expect(loadCheckpointSigner(config, quiet).fingerprint).toBe(first.fingerprint);
  });

  it('is refused under NODE_ENV=production without AUDIT_SIGNING_KEY_FILE', () => {
    expect(() => loadCheckpointSigner(loadConfig({ DATA_DIR: data.path, NODE_ENV: 'production' }), quiet)).toThrow(/AUDIT_SIGNING_KEY_FILE must be set when NODE_ENV=production/);
  });

  it('is read from AUDIT_SIGNING_KEY_FILE, and a file that is not an Ed25519 key is a configuration error', () => {
    const file = join(data.path, 'prod.pem');
    writeFileSync(file, signer.privateKeyPem());
    const loaded = loadCheckpointSigner(loadConfig({ DATA_DIR: data.path, NODE_ENV: 'production', AUDIT_SIGNING_KEY_FILE: file }), quiet);
    expect(loaded.fingerprint).toBe(signer.fingerprint);
    writeFileSync(file, signer.publicKeyPem());
    expect(() => loadCheckpointSigner(loadConfig({ DATA_DIR: data.path, AUDIT_SIGNING_KEY_FILE: file }), quiet)).toThrow(ConfigError);
    expect(() => loadCheckpointSigner(loadConfig({ DATA_DIR: data.path, AUDIT_SIGNING_KEY_FILE: join(data.path, 'missing.pem') }), quiet)).toThrow(/cannot be read/);
    expect(readFileSync(file, 'utf8')).toContain('PUBLIC KEY');
  });
});
