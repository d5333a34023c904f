import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AppConfig, ConfigError } from '../config/app-config.js';
import { DEV_SIGNING_KEY_FILE } from '../integrity/signing-key.js';

/**
 * The public key checkpoints are checked with: `--public-key` (a PEM public key, as `GET /api/audit/public-key`
 * serves it, or a private key), else that of the configured signing key (AUDIT_SIGNING_KEY_FILE, or the development
 * key in DATA_DIR). Never generates one: a verifier with a key of its own would find every checkpoint forged.
 */
export function auditPublicKey(config: AppConfig, file?: string): KeyObject {
  const path = file ?? config.auditSigningKeyFile ?? join(config.dataDir, DEV_SIGNING_KEY_FILE);
  if (!existsSync(path)) {
    throw new ConfigError([`no audit key at ${path}: pass --public-key <file> (the PEM GET /api/audit/public-key serves), or set AUDIT_SIGNING_KEY_FILE`]);
  }
  try {
    const key = createPublicKey(readFileSync(path, 'utf8'));
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`an ${key.asymmetricKeyType} key, not Ed25519`);
    return key;
  } catch (error) {
    throw new ConfigError([`${path} is not an Ed25519 key in PEM (${(error as Error).message})`]);
  }
}
