import type { FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { AppError } from '../errors/app-error.js';
import type { AuthService } from './auth.service.js';
import type { SecondFactor } from './second-factor.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';

const codeOf = (body: unknown): string => {
  const code = (body as Record<string, unknown> | undefined)?.code;
  if (typeof code !== 'string' || code.trim() === '' || code.length > 64) throw new AppError('VALIDATION', 'Give the code from your authenticator app', { code: 'required' });
  return code;
};
const WRONG_CODE = () => new AppError('VALIDATION', 'The code is wrong or was already used', { code: 'is wrong or was already used' });

/**
 * The second-factor routes for a signed-in user (setup, confirm, disable) and an administrator's
 * reset. Code checks on these routes count against the sign-in limits like a login's.
 */
export class MfaFlows {
  constructor(
    private readonly auth: AuthService,
    private readonly factor: SecondFactor,
    private readonly pool: Pool,
  ) {}

  async setup(req: FastifyRequest) {
    const me = await this.auth.authenticate(req);
    return this.factor.setup(me.user.id, me.user.email);
  }

  async confirm(req: FastifyRequest, body: unknown) {
    const me = await this.auth.authenticate(req);
    const code = codeOf(body);
    await this.auth.attempt(me, req.ip);
    const codes = await this.factor.confirm(me.user.id, code);
    if (!codes) throw WRONG_CODE();
    await this.auth.succeeded(me, req.ip);
    await this.auth.enrolled(me);
    return { recovery_codes: codes };
  }

  async disable(req: FastifyRequest, body: unknown) {
    const me = await this.auth.authenticate(req);
    const code = codeOf(body);
    if (this.auth.requiresSecondFactor(me)) throw new AppError('CONFLICT', 'Your role requires a second factor, so it cannot be turned off (an administrator can reset it)');
    if (!(await this.factor.enabled(me.user.id))) throw new AppError('CONFLICT', 'No second factor is enabled');
    await this.auth.attempt(me, req.ip);
    if (!(await this.factor.accepts(me.user.id, code))) throw WRONG_CODE();
    await this.auth.succeeded(me, req.ip);
    await this.factor.remove(me.user.id, me.user.id, 'second factor disabled');
  }

  /**
   * An administrator (permission.manage) removes another user's second factor, for a lost phone:
   * the reason is required and recorded on the audit row; the user's sessions end, and the next
   * sign-in enrols again where the role requires it.
   */
  async reset(req: FastifyRequest, userId: number, reason: string | null) {
    const me = await this.auth.authenticate(req);
    if (!me.permissions.has('permission.manage')) throw new AppError('FORBIDDEN', 'Resetting a second factor needs the permission.manage permission');
    if (userId === me.user.id) throw new AppError('CONFLICT', 'Use POST /api/auth/mfa/disable for your own second factor');
    if (!reason?.trim()) throw new AppError('VALIDATION', 'Say why the second factor is reset (X-Change-Reason or {reason})', { reason: 'required' });
    if ((await this.pool.query(`SELECT 1 FROM ${T.users} WHERE id = $1`, [userId])).rowCount === 0) throw new AppError('NOT_FOUND', `User ${userId} not found`);
    if (!(await this.factor.remove(me.user.id, userId, reason.trim().slice(0, 500)))) throw new AppError('CONFLICT', 'That user has no second factor');
    await this.pool.query(`UPDATE ${T.sessions} SET ended_at = now() WHERE user_id = $1 AND ended_at IS NULL`, [userId]);
  }
}
