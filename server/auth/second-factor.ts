import type { Pool } from 'pg';
import { inUnitOfWork } from '../db/unit-of-work.js';
import { AppError } from '../errors/app-error.js';
import type { SecretBox } from './secret-box.js';
import { enrolment, hashRecoveryCode, looksLikeRecoveryCode, newRecoveryCodes, newTotpSecret, totpStep } from './totp.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';

/**
 * A user's TOTP second factor as stored (user_mfa, mfa_recovery_code): setting it up, confirming,
 * checking a code at sign-in, disabling and an administrator's reset. Every change is a unit of
 * work, so the audit log records who did it and why (the secret masked).
 */
export class SecondFactor {
  constructor(
    private readonly pool: Pool,
    private readonly box: SecretBox,
  ) {}

  async enabled(userId: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(`SELECT 1 FROM ${T.secondFactors} WHERE user_id = $1 AND enabled_at IS NOT NULL`, [userId]);
    return rowCount === 1;
  }

  /**
   * Whether `code` is a good second factor for the user now: a six-digit TOTP code of a time step
   * not used before, or an unused recovery code (which is then used up). Both are taken
   * atomically, so two requests cannot spend the same code.
   */
  async accepts(userId: number, code: string): Promise<boolean> {
    if (looksLikeRecoveryCode(code)) {
      const { rowCount } = await this.pool.query(
        `UPDATE ${T.recoveryCodes} r SET used_at = now() FROM ${T.secondFactors} m
          WHERE r.user_id = $1 AND r.code_hash = $2 AND r.used_at IS NULL AND m.user_id = r.user_id AND m.enabled_at IS NOT NULL`,
        [userId, hashRecoveryCode(userId, code)],
      );
      return rowCount === 1;
    }
    const { rows } = await this.pool.query(`SELECT secret FROM ${T.secondFactors} WHERE user_id = $1 AND enabled_at IS NOT NULL`, [userId]);
    const secret = rows[0] ? this.box.open(rows[0].secret, userId) : null;
    if (!secret) return false;
    const step = await totpStep(secret, code.trim());
    if (step === null) return false;
    return inUnitOfWork(this.pool, { userId, reason: 'sign-in' }, async (tx) => {
      const { rowCount } = await tx.query(`UPDATE ${T.secondFactors} SET last_step = $2 WHERE user_id = $1 AND (last_step IS NULL OR last_step < $2)`, [userId, step]);
      return rowCount === 1;
    });
  }

  /** A new secret, not yet in force: sign-in keeps asking for none until `confirm`. */
  async setup(userId: number, email: string): Promise<{ secret: string; otpauth_url: string; qr_code: string }> {
    if (await this.enabled(userId)) throw new AppError('CONFLICT', 'A second factor is already enabled; disable it first to set up another');
    const secret = newTotpSecret();
    await inUnitOfWork(this.pool, { userId, reason: 'second factor setup' }, (tx) =>
      tx.query(
        `INSERT INTO ${T.secondFactors} (user_id, secret) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, enabled_at = NULL, last_step = NULL`,
        [userId, this.box.seal(secret, userId)],
      ),
    );
    return { secret, ...(await enrolment(secret, email)) };
  }

  /** Enables the pending setup if `code` is right for it; answers the ten recovery codes (shown once). */
  async confirm(userId: number, code: string): Promise<string[] | null> {
    const { rows } = await this.pool.query(`SELECT secret FROM ${T.secondFactors} WHERE user_id = $1 AND enabled_at IS NULL`, [userId]);
    if (!rows[0]) throw new AppError('CONFLICT', 'There is no second factor setup to confirm; start one with POST /api/auth/mfa/setup');
    const secret = this.box.open(rows[0].secret, userId);
    if (!secret) throw new AppError('CONFLICT', 'The pending setup cannot be read (the key changed); start again with POST /api/auth/mfa/setup');
    const step = await totpStep(secret, code.trim());
    if (step === null) return null;
    const codes = newRecoveryCodes();
    await inUnitOfWork(this.pool, { userId, reason: 'second factor enabled' }, async (tx) => {
      await tx.query(`UPDATE ${T.secondFactors} SET enabled_at = now(), last_step = $2 WHERE user_id = $1`, [userId, step]);
      await tx.query(`DELETE FROM ${T.recoveryCodes} WHERE user_id = $1`, [userId]);
      await tx.query(`INSERT INTO ${T.recoveryCodes} (user_id, code_hash) SELECT $1, unnest($2::text[])`, [userId, codes.map((c) => hashRecoveryCode(userId, c))]);
    });
    return codes;
  }

  /** Removes the user's second factor (by themselves or an administrator's reset), recorded with `reason`. */
  async remove(actorId: number, userId: number, reason: string): Promise<boolean> {
    return inUnitOfWork(this.pool, { userId: actorId, reason }, async (tx) => {
      await tx.query(`DELETE FROM ${T.recoveryCodes} WHERE user_id = $1`, [userId]);
      const { rowCount } = await tx.query(`DELETE FROM ${T.secondFactors} WHERE user_id = $1`, [userId]);
      return rowCount === 1;
    });
  }
}
