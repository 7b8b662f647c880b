import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encrypts the TOTP secrets at rest (AES-256-GCM). A secret must be read back to check a code, so
 * it cannot be hashed like a password; encrypted, a copy of the database (a backup, a replica, a
 * psql session) does not hand out second factors. The key is MFA_SECRET_KEY, or derived from the
 * token key (JWT_SECRET) when unset. The user's id is bound in as associated data, so a row copied
 * onto another user does not decrypt.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(configured: string | undefined, tokenKey: Uint8Array) {
    if (configured !== undefined && configured.length < 32) throw new Error('MFA_SECRET_KEY must be at least 32 characters');
    const material = configured ? Buffer.from(configured) : Buffer.from(tokenKey);
    this.key = Buffer.from(hkdfSync('sha256', material, 'kcsos-admin', 'totp-secret', 32));
  }

  seal(plain: string, userId: number): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`user:${userId}`));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /** The secret, or null when it does not decrypt (another key, another user's row, tampered). */
  open(sealed: string, userId: number): string | null {
    const [v, iv, tag, body] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || body === undefined) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(`user:${userId}`));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
