import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SignJWT, jwtVerify } from 'jose';

export const TOKEN_HOURS = 8;
const ISSUER = 'kcsos-admin';

interface TokenClaims {
  sub: string;
  sid: string;
}

/** JWT_SECRET, or one generated once and kept under the data folder (the embedded default). */
export async function loadJwtSecret(configured: string | undefined, dataDir: string): Promise<Uint8Array> {
  if (configured) {
    if (configured.length < 32) throw new Error('JWT_SECRET must be at least 32 characters');
    return new TextEncoder().encode(configured);
  }
  const file = path.join(dataDir, 'jwt-secret');
  const existing = await readFile(file, 'utf8').catch(() => null);
  if (existing) return new TextEncoder().encode(existing.trim());
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  await writeFile(file, secret + '\n', { mode: 0o600 });
  return new TextEncoder().encode(secret);
}

export function signToken(secret: Uint8Array, claims: TokenClaims, expiresAt: Date): Promise<string> {
  return new SignJWT({ sid: claims.sid })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setAudience(ISSUER)
    // Issued and expiring by the same clock reading: the lifetime is exactly TOKEN_HOURS, even
    // when the session row's insert crosses a second.
    .setIssuedAt(Math.floor(expiresAt.getTime() / 1000) - TOKEN_HOURS * 3600)
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(secret);
}

/** HS256 only: `alg: none`, other algorithms, bad signatures and expired tokens all throw. */
export async function verifyToken(secret: Uint8Array, token: string): Promise<TokenClaims> {
  const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], issuer: ISSUER, audience: ISSUER });
  if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') throw new Error('token lacks its claims');
  return { sub: payload.sub, sid: payload.sid };
}
