import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The Ed25519 key that signs evidence files, and how an auditor names its public half. */
export interface SigningKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  /** sha256 of the public key (SPKI DER), hex: printed on every export, to compare with the published key. */
  keyId: string;
}

const KEY_FILE = 'audit-signing-key.pem';
export const PUBLIC_KEY_FILE = 'audit-signing-key.pub.pem';

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

function fromPrivate(privateKey: KeyObject): SigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('AUDIT_SIGNING_KEY must be an Ed25519 private key (PEM)');
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKeyPem: String(publicKey.export({ type: 'spki', format: 'pem' })), keyId: keyIdOf(publicKey) };
}

/**
 * AUDIT_SIGNING_KEY (a PEM) when configured; otherwise the key generated once into the data
 * folder (owner-only), with its public half written beside it for auditors.
 */
export async function loadSigningKey(configured: string | undefined, dataDir: string): Promise<SigningKey> {
  if (configured) return fromPrivate(createPrivateKey(configured.replaceAll('\\n', '\n')));
  const file = path.join(dataDir, KEY_FILE);
  const existing = await readFile(file, 'utf8').catch(() => null);
  let key: SigningKey;
  if (existing) key = fromPrivate(createPrivateKey(existing));
  else {
    await mkdir(dataDir, { recursive: true });
    const { privateKey } = generateKeyPairSync('ed25519');
    await writeFile(file, String(privateKey.export({ type: 'pkcs8', format: 'pem' })), { mode: 0o600 });
    key = fromPrivate(privateKey);
  }
  await writeFile(path.join(dataDir, PUBLIC_KEY_FILE), key.publicKeyPem).catch(() => undefined);
  return key;
}

/** The detached signature of a file's exact bytes, base64. */
export function signBytes(key: SigningKey, bytes: Buffer): string {
  return sign(null, bytes, key.privateKey).toString('base64');
}

export function verifyBytes(publicKeyPem: string, bytes: Buffer, signature: string): boolean {
  try {
    return verify(null, bytes, createPublicKey(publicKeyPem), Buffer.from(signature.trim(), 'base64'));
  } catch {
    return false;
  }
}
