import { createHash, randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

/** The name authenticator apps show above the code. */
const TOTP_ISSUER = 'KCSOS admin';
const RECOVERY_CODES = 10;

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** `otpauth://` URI and the same as a QR code (a PNG data URL the console shows as an image). */
export async function enrolment(secret: string, email: string): Promise<{ otpauth_url: string; qr_code: string }> {
  const otpauth_url = generateURI({ issuer: TOTP_ISSUER, label: email, secret });
  return { otpauth_url, qr_code: await QRCode.toDataURL(otpauth_url, { errorCorrectionLevel: 'M', margin: 1, width: 240 }) };
}

/**
 * The RFC 6238 time step a six-digit code is valid for (30-second steps, one step of clock drift
 * either way), or null. The caller refuses a step it has already seen: a code is good once.
 */
export async function totpStep(secret: string, code: string): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({ secret, token: code, epochTolerance: 30 }).catch(() => ({ valid: false as const }));
  // The TOTP result carries its time step (the union type also covers HOTP, which has none).
  return result.valid ? (result as unknown as { timeStep: number }).timeStep : null;
}

/** Ten recovery codes of 80 random bits each, shown once (`abcd-efgh-ijkl-mnop`). */
export function newRecoveryCodes(): string[] {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return Array.from({ length: RECOVERY_CODES }, () => {
    const bytes = randomBytes(16);
    const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
    return chars.match(/.{4}/g)!.join('-');
  });
}

export const looksLikeRecoveryCode = (code: string) => /^[a-z0-9]{4}(-?[a-z0-9]{4}){3}$/i.test(code.trim());

/**
 * Stored as SHA-256 of the user and the normalized code: the codes are long random values (no
 * dictionary to try), so a slow hash adds nothing, and the lookup stays one indexed query.
 */
export function hashRecoveryCode(userId: number, code: string): string {
  return createHash('sha256').update(`${userId}:${code.trim().toLowerCase().replaceAll('-', '')}`).digest('hex');
}
