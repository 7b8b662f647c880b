import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { inUnitOfWork } from '../db/unit-of-work.js';
import type { Caller } from '../engine/caller.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import { AppError } from '../errors/app-error.js';
import type { CallerResolver } from './caller-resolver.js';
import { signToken, TOKEN_HOURS, verifyToken } from './jwt.js';
import type { LoginLimiter } from './login-limiter.js';
import { MAX_PASSWORD, hashPassword, verifyPassword, weakPassword } from './passwords.js';
import { ROLE_COLUMNS, type PermissionCache } from './permission-cache.js';
import { userCaller, type SignedInUser } from './policy.js';

export interface Authenticated {
  caller: Caller;
  user: SignedInUser;
  sessionId: string;
  permissions: Set<string>;
  /** permission_matrix_version read by the session check: what `permissions` were taken from. */
  matrixVersion: string;
}

const SIGN_IN_AGAIN = 'Your session is not valid; sign in again';
const WRONG = 'Wrong email or password';
const ACTIVE = (status: string | null) => status === null || status === 'Active';

/**
 * Sign-in and the per-request check. Each token names a session row, and every request checks that
 * row, the user's status and the password's age in one query: logout, deactivation and a password
 * change take effect on the next request, on every replica.
 */
export class AuthService implements CallerResolver {
  private readonly cache = new WeakMap<FastifyRequest, Promise<Authenticated>>();
  /** Signature checks are pure (token + key): each token's is done once, then remembered until it expires. */
  private readonly verified = new Map<string, { claims: { sub: string; sid: string }; until: number }>();

  constructor(
    private readonly pool: Pool,
    private readonly secret: Uint8Array,
    private readonly permissions: PermissionCache,
    private readonly limiter: LoginLimiter,
    private readonly resources: Map<string, ResourceMeta>,
  ) {}

  async login(body: unknown, address: string) {
    const { email, password } = (body ?? {}) as Record<string, unknown>;
    if (typeof email !== 'string' || typeof password !== 'string' || email.length === 0 || email.length > 320) {
      throw new AppError('VALIDATION', 'Give an email and a password', { email: 'required', password: 'required' });
    }
    if (password.length > MAX_PASSWORD) throw new AppError('VALIDATION', `A password is at most ${MAX_PASSWORD} characters`, { password: 'too long' });
    const key = email.trim().toLowerCase();
    await this.limiter.check(key, address);
    const { rows } = await this.pool.query(
      `SELECT u.id, u.status, c.password_hash FROM app_user u LEFT JOIN user_credential c ON c.user_id = u.id WHERE lower(u.email) = $1`,
      [key],
    );
    const found = rows[0];
    // Unknown user, wrong password and inactive account get the same answer in about the same time.
    const ok = await verifyPassword(found?.password_hash ?? null, password);
    if (!ok || !ACTIVE(found.status)) {
      await this.limiter.failed(key, address);
      throw new AppError('UNAUTHORIZED', WRONG);
    }
    await this.limiter.succeeded(key);
    await inUnitOfWork(this.pool, { userId: found.id, reason: 'sign-in' }, (tx) => tx.query(`UPDATE app_user SET last_login = now() WHERE id = $1`, [found.id]));
    const session = await this.startSession(found.id);
    const { sid } = await verifyToken(this.secret, session.token);
    return { ...session, ...this.describe(await this.load(sid, found.id)) };
  }

  describe(auth: Authenticated) {
    const { user } = auth;
    return {
      user: { id: user.id, name: `${user.first_name} ${user.last_name}`, email: user.email, role: user.role, districts: user.districts },
      permissions: [...auth.permissions].sort(),
    };
  }

  resolve(request: FastifyRequest): Promise<Caller> {
    return this.authenticate(request).then((a) => a.caller);
  }

  /** The check this request already went through, if any (it is never started here). */
  authenticatedAlready(request: FastifyRequest): Promise<Authenticated> | undefined {
    return this.cache.get(request);
  }

  authenticate(request: FastifyRequest): Promise<Authenticated> {
    let pending = this.cache.get(request);
    if (!pending) {
      pending = this.check(request);
      this.cache.set(request, pending);
    }
    return pending;
  }

  private async check(request: FastifyRequest): Promise<Authenticated> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([\w-]+\.[\w-]*\.[\w-]*)$/i.exec(header) : null;
    if (!match) throw new AppError('UNAUTHORIZED', 'Sign in to use the API');
    const claims = await this.verify(match[1]);
    if (!/^[0-9a-f-]{36}$/.test(claims.sid) || !/^\d{1,9}$/.test(claims.sub)) throw new AppError('UNAUTHORIZED', SIGN_IN_AGAIN);
    return this.load(claims.sid, Number(claims.sub));
  }

  private async load(sessionId: string, userId: number): Promise<Authenticated> {
    const { rows } = await this.pool.query({
      // Run on every request: prepared once per pooled connection.
      name: 'session-check',
      text: `SELECT u.id, u.first_name, u.last_name, u.email, u.role, u.status, u.districts,
              (s.ended_at IS NULL AND s.expires_at > now() AND (c.changed_at IS NULL OR c.changed_at <= s.created_at)) AS valid,
              EXISTS (SELECT 1 FROM recent_write w WHERE w.user_id = u.id AND w.until > now()) AS recent_writer,
              (SELECT version FROM permission_matrix_version) AS matrix_version
         FROM auth_session s JOIN app_user u ON u.id = s.user_id LEFT JOIN user_credential c ON c.user_id = u.id
        WHERE s.id = $1 AND s.user_id = $2`,
      values: [sessionId, userId],
    });
    const row = rows[0];
    if (!row || !row.valid || !ACTIVE(row.status)) throw new AppError('UNAUTHORIZED', SIGN_IN_AGAIN);
    const role = ROLE_COLUMNS[row.role];
    const permissions = await this.permissions.granted(role, String(row.matrix_version));
    const user: SignedInUser = { id: row.id, first_name: row.first_name, last_name: row.last_name, email: row.email, role: row.role, districts: row.districts };
    // This check runs on the primary, so a write made through any app replica is seen here.
    const caller = Object.assign(userCaller(user, role, permissions, this.resources), { recentWriter: row.recent_writer === true });
    return { caller, user, sessionId, permissions, matrixVersion: String(row.matrix_version) };
  }

  private async verify(token: string): Promise<{ sub: string; sid: string }> {
    const known = this.verified.get(token);
    if (known && known.until > Date.now()) return known.claims;
    const claims = await verifyToken(this.secret, token).catch(() => {
      throw new AppError('UNAUTHORIZED', SIGN_IN_AGAIN);
    });
    const exp = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp as number;
    if (this.verified.size >= 10_000) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { claims, until: exp * 1000 });
    return claims;
  }

  async logout(request: FastifyRequest): Promise<void> {
    const auth = await this.authenticate(request);
    await this.pool.query(`UPDATE auth_session SET ended_at = now() WHERE id = $1 AND ended_at IS NULL`, [auth.sessionId]);
  }

  /**
   * Sets a user's password (their own with the current one, or anyone's with permission.manage).
   * Every older session of that user ends; changing one's own password answers a fresh token.
   */
  async setPassword(request: FastifyRequest, targetId: number | null, body: unknown): Promise<{ token: string; expires_at: string } | null> {
    const auth = await this.authenticate(request);
    const { current, password } = (body ?? {}) as Record<string, unknown>;
    const self = targetId === null || targetId === auth.user.id;
    if (!self && !auth.permissions.has('permission.manage')) throw new AppError('FORBIDDEN', 'Setting another user\'s password needs the permission.manage permission');
    const weak = weakPassword(password);
    if (weak) throw new AppError('VALIDATION', `The new password ${weak}`, { password: weak });
    const userId = self ? auth.user.id : targetId!;
    if (self) {
      const { rows } = await this.pool.query(`SELECT password_hash FROM user_credential WHERE user_id = $1`, [userId]);
      const key = auth.user.email.toLowerCase();
      await this.limiter.check(key, request.ip);
      if (typeof current !== 'string' || current.length > MAX_PASSWORD || !(await verifyPassword(rows[0]?.password_hash ?? null, current))) {
        await this.limiter.failed(key, request.ip);
        throw new AppError('VALIDATION', 'The current password is wrong', { current: 'is wrong' });
      }
    } else if ((await this.pool.query(`SELECT 1 FROM app_user WHERE id = $1`, [userId])).rowCount === 0) {
      throw new AppError('NOT_FOUND', `User ${userId} not found`);
    }
    const hash = await hashPassword(password as string);
    await inUnitOfWork(this.pool, { userId: auth.user.id, reason: self ? 'password change' : 'password reset' }, async (tx) => {
      await tx.query(
        `INSERT INTO user_credential (user_id, password_hash, changed_at) VALUES ($1, $2, clock_timestamp())
         ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, changed_at = EXCLUDED.changed_at`,
        [userId, hash],
      );
    });
    return self ? this.startSession(userId) : null;
  }

  private async startSession(userId: number): Promise<{ token: string; expires_at: string }> {
    const sessionId = randomUUID();
    const expiresAt = new Date(Date.now() + TOKEN_HOURS * 3600_000);
    await this.pool.query(`INSERT INTO auth_session (id, user_id, expires_at) VALUES ($1, $2, $3)`, [sessionId, userId, expiresAt.toISOString()]);
    return { token: await signToken(this.secret, { sub: String(userId), sid: sessionId }, expiresAt), expires_at: expiresAt.toISOString() };
  }
}
