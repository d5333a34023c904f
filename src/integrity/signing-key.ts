import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { type AppConfig, ConfigError } from '../config/app-config.js';
import { CheckpointSigner } from './checkpoint.js';

/** Where a development signing key is kept when no AUDIT_SIGNING_KEY_FILE is given. */
export const DEV_SIGNING_KEY_FILE = 'audit-signing-key.pem';

/**
 * The key that signs the log's checkpoints: from AUDIT_SIGNING_KEY_FILE (an Ed25519 private key, PEM), or outside
 * production a development key generated once into `DATA_DIR`, with a warning nobody can miss: whoever can read that
 * folder can sign checkpoints, so it proves nothing to an auditor. Refused under NODE_ENV=production.
 */
export function loadCheckpointSigner(config: AppConfig, logger: Pick<LoggerService, 'warn'>): CheckpointSigner {
  if (config.auditSigningKeyFile !== null) {
    let pem: string;
    try {
      pem = readFileSync(config.auditSigningKeyFile, 'utf8');
    } catch (error) {
      throw new ConfigError([`AUDIT_SIGNING_KEY_FILE ${config.auditSigningKeyFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
    }
    try {
      return CheckpointSigner.fromPem(pem);
    } catch (error) {
      throw new ConfigError([`AUDIT_SIGNING_KEY_FILE ${config.auditSigningKeyFile} is not an Ed25519 private key in PEM (${(error as Error).message})`]);
    }
  }
  if (config.nodeEnv === 'production') {
    throw new ConfigError(['AUDIT_SIGNING_KEY_FILE must be set when NODE_ENV=production: a key generated into DATA_DIR proves nothing to an auditor']);
  }
  const file = join(config.dataDir, DEV_SIGNING_KEY_FILE);
  const signer = existsSync(file) ? CheckpointSigner.fromPem(readFileSync(file, 'utf8')) : CheckpointSigner.generate();
  if (!existsSync(file)) writeFileSync(file, signer.privateKeyPem(), { mode: 0o600 });
  logger.warn(
    [
      '',
      '************************************************************************************************',
      `*  Checkpoints are signed with a DEVELOPMENT key kept in ${file}`,
      '*  (fingerprint ' + signer.fingerprint.slice(0, 16) + '…): anyone who can read that folder can sign them.',
      '*  Set AUDIT_SIGNING_KEY_FILE to an Ed25519 key kept apart (NODE_ENV=production refuses to start without it).',
      '************************************************************************************************',
    ].join('\n'),
  );
  return signer;
}
