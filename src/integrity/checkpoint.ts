import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from '../common/canonical-json.js';

/** The stream the signed checkpoints are appended to, one after the other (expected revision: they never fork). */
export const CHECKPOINT_STREAM = 'audit-checkpoints';
export const CHECKPOINT_EVENT = 'TreeCheckpointSigned';

/** Whether an event is a leaf of the log's Merkle tree: every event but the checkpoints, which sign the tree. */
export function inTree(streamId: string): boolean {
  return streamId !== CHECKPOINT_STREAM;
}

/** What a checkpoint states: the log (origin) had `treeSize` programme events, ending at `lastPosition`, with this root. */
export interface CheckpointBody {
  origin: string;
  treeSize: number;
  /** Hex SHA-256 Merkle tree head (RFC 6962) of the first `treeSize` event hashes in global order. */
  rootHash: string;
  /** Global position (digits) of the last event in the tree; null for the empty tree. */
  lastPosition: string | null;
  /** When it was signed (RFC 3339, UTC). */
  time: string;
  /** The signing key's fingerprint (see `keyFingerprint`). */
  keyFingerprint: string;
}

export interface SignedCheckpoint extends CheckpointBody {
  /** Ed25519 signature (base64) of the RFC 8785 canonical JSON of the body. */
  signature: string;
}

/** The bytes a checkpoint's signature covers. */
export function signedBytes(body: CheckpointBody): Buffer {
  const { origin, treeSize, rootHash, lastPosition, time, keyFingerprint } = body;
  return Buffer.from(canonicalJson({ origin, treeSize, rootHash, lastPosition, time, keyFingerprint }), 'utf8');
}

/** Hex SHA-256 of the public key's DER (SubjectPublicKeyInfo): names the key in every checkpoint. */
export function keyFingerprint(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

/** The Ed25519 key that signs checkpoints, and what others need to check them. */
export class CheckpointSigner {
  readonly publicKey: KeyObject;
  readonly fingerprint: string;

  constructor(private readonly privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the audit signing key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
    this.publicKey = createPublicKey(privateKey);
    this.fingerprint = keyFingerprint(this.publicKey);
  }

  static fromPem(pem: string): CheckpointSigner {
    return new CheckpointSigner(createPrivateKey(pem));
  }

  static generate(): CheckpointSigner {
    return new CheckpointSigner(generateKeyPairSync('ed25519').privateKey);
  }

  privateKeyPem(): string {
    return this.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  }

  publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  sign(body: Omit<CheckpointBody, 'keyFingerprint'>): SignedCheckpoint {
    const full: CheckpointBody = { ...body, keyFingerprint: this.fingerprint };
    return { ...full, signature: sign(null, signedBytes(full), this.privateKey).toString('base64') };
  }
}

/**
 * The signature's 64 bytes, or null unless it is their canonical base64: Node's decoder skips what it cannot read
 * (a character appended after the padding, say), and a verifier that let it would accept a signature altered in
 * transit as the genuine one.
 */
function signatureBytes(signature: unknown): Buffer | null {
  if (typeof signature !== 'string') return null;
  const bytes = Buffer.from(signature, 'base64');
  return bytes.length === 64 && bytes.toString('base64') === signature ? bytes : null;
}

/** Whether the checkpoint was signed by this very key (by fingerprint and signature), as it stands. */
export function verifyCheckpoint(checkpoint: SignedCheckpoint, publicKey: KeyObject): boolean {
  const signature = signatureBytes(checkpoint.signature);
  if (signature === null || checkpoint.keyFingerprint !== keyFingerprint(publicKey)) return false;
  try {
    return verify(null, signedBytes(checkpoint), publicKey, signature);
  } catch {
    return false;
  }
}

/** Nest token of the `CheckpointSigner` the application signs its checkpoints with. */
export const CHECKPOINT_SIGNER = Symbol('CHECKPOINT_SIGNER');
