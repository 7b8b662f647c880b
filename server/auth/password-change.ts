import type { Pool } from 'pg';
import { inUnitOfWork } from '../db/unit-of-work.js';
import { AppError } from '../errors/app-error.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';
import type { Authenticated } from './authenticated.js';
import type { LoginLimiter } from './login-limiter.js';
import { MAX_PASSWORD, hashPassword, verifyPassword, weakPassword } from './passwords.js';

/**
 * Sets a user's password: their own, proven with the current one (rate-limited like a sign-in), or
 * anyone's with permission.manage. Stored in one audited write; the credential's new age ends every
 * older session of that user on its next request.
 */
export async function setPassword(
  deps: { pool: Pool; limiter: LoginLimiter },
  auth: Authenticated,
  address: string,
  targetId: number | null,
  body: unknown,
): Promise<{ self: boolean; userId: number }> {
  const { pool, limiter } = deps;
  const { current, password } = (body ?? {}) as Record<string, unknown>;
  const self = targetId === null || targetId === auth.user.id;
  if (!self && !auth.permissions.has('permission.manage')) throw new AppError('FORBIDDEN', "Setting another user's password needs the permission.manage permission");
  const weak = weakPassword(password);
  if (weak) throw new AppError('VALIDATION', `The new password ${weak}`, { password: weak });
  const userId = self ? auth.user.id : targetId!;
  if (self) {
    const { rows } = await pool.query(`SELECT password_hash FROM ${T.credentials} WHERE user_id = $1`, [userId]);
    const key = auth.user.email.toLowerCase();
    await limiter.attempt(key, address);
    if (typeof current !== 'string' || current.length > MAX_PASSWORD || !(await verifyPassword(rows[0]?.password_hash ?? null, current))) {
      throw new AppError('VALIDATION', 'The current password is wrong', { current: 'is wrong' });
    }
    await limiter.succeeded(key, address);
  } else if ((await pool.query(`SELECT 1 FROM ${T.users} WHERE id = $1`, [userId])).rowCount === 0) {
    throw new AppError('NOT_FOUND', `User ${userId} not found`);
  }
  const hash = await hashPassword(password as string);
  await inUnitOfWork(pool, { userId: auth.user.id, reason: self ? 'password change' : 'password reset' }, async (tx) => {
    await tx.query(
      `INSERT INTO ${T.credentials} (user_id, password_hash, changed_at) VALUES ($1, $2, clock_timestamp())
       ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, changed_at = EXCLUDED.changed_at`,
      [userId, hash],
    );
  });
  return { self, userId };
}
