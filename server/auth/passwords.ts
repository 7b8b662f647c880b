import argon2 from 'argon2';

/** Longer inputs are refused before hashing: argon2 would happily spend its time on a megabyte. */
export const MAX_PASSWORD = 256;
const MIN_PASSWORD = 10;

const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

let dummy: Promise<string> | undefined;
let verifications = 0;

/**
 * How many passwords this process has checked against a hash since it started: the sign-in limits
 * promise that a burst of guesses reaches argon2 at most `limit` times, and tests count it here.
 */
export const passwordVerifications = () => verifications;

/**
 * Verifies a password; with no hash (unknown user) it verifies against a throwaway hash, so an
 * unknown account and a wrong password take the same time.
 */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  dummy ??= hashPassword('not-a-real-password-' + Math.random());
  const target = hash ?? (await dummy);
  verifications++;
  const ok = await argon2.verify(target, password).catch(() => false);
  return ok && hash !== null;
}

/** A reason the new password is unacceptable, or null. */
export function weakPassword(password: unknown): string | null {
  if (typeof password !== 'string') return 'must be text';
  if (password.length < MIN_PASSWORD) return `must be at least ${MIN_PASSWORD} characters`;
  if (password.length > MAX_PASSWORD) return `must be at most ${MAX_PASSWORD} characters`;
  return null;
}
