import type { FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { inUnitOfWork } from '../db/unit-of-work.js';
import { AppError } from '../errors/app-error.js';
import type { LoginLimiter } from './login-limiter.js';
import { MAX_PASSWORD, verifyPassword } from './passwords.js';
import { mfaRequired, type MfaPolicy } from './mfa-policy.js';
import type { PermissionCache } from './permission-cache.js';
import { roleNamed } from '../schema/roles.js';
import type { OidcSignIn } from './oidc-sign-in.js';
import type { SecondFactor } from './second-factor.js';
import type { SignInEvents, Attempt } from './sign-in-events.js';
import { looksLikeRecoveryCode } from './totp.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';

const WRONG = 'Wrong email or password';
const ACTIVE = (status: string | null) => status === null || status === 'Active';

interface SignInDeps {
  pool: Pool;
  limiter: LoginLimiter;
  permissions: PermissionCache;
  secondFactor: SecondFactor;
  oidc: OidcSignIn;
  signIns: SignInEvents;
  mfaPolicy: MfaPolicy;
  /** Starts the session and answers as /auth/login does (AuthService). */
  open: (userId: number, enrolmentOnly: boolean) => Promise<Record<string, unknown>>;
}

/**
 * The sign-in flows (password, single sign-on), each attempt recorded as an authentication event
 * whatever its outcome (sign-in-events.ts); the session itself is AuthService's.
 */
export class SignInFlow {
  constructor(private readonly deps: SignInDeps) {}

  /**
   * `{email, password, code?}`. The attempt is consumed before anything is checked (see
   * LoginLimiter); a wrong password, a missing second-factor code (MFA_REQUIRED) and a wrong one
   * (MFA_INVALID) all keep it counted. A user whose role requires a second factor they have not
   * enrolled gets an enrolment-only session.
   */
  async login(body: unknown, address: string) {
    const { email, password, code } = (body ?? {}) as Record<string, unknown>;
    if (typeof email !== 'string' || typeof password !== 'string' || email.length === 0 || email.length > 320) {
      throw new AppError('VALIDATION', 'Give an email and a password', { email: 'required', password: 'required' });
    }
    if (password.length > MAX_PASSWORD) throw new AppError('VALIDATION', `A password is at most ${MAX_PASSWORD} characters`, { password: 'too long' });
    if (code !== undefined && code !== null && (typeof code !== 'string' || code.length > 64)) throw new AppError('VALIDATION', 'The code is text of at most 64 characters', { code: 'must be text' });
    const key = email.trim().toLowerCase();
    const attempt: Attempt = { method: 'password', email: key, address };
    return this.deps.signIns.around(attempt, async () => {
      await this.deps.limiter.attempt(key, address);
      const found = await this.account(key);
      attempt.userId = found?.id ?? null;
      // Unknown user, wrong password and inactive account get the same answer in about the same time
      // (the record of the attempt tells them apart, for who reads sign-ins).
      const ok = await verifyPassword(found?.password_hash ?? null, password);
      // A failure keeps the attempt `attempt` consumed; only a success gives it back.
      if (!ok || !ACTIVE(found.status)) {
        attempt.detail = !found ? 'unknown account' : !ok ? 'wrong password' : `account ${String(found.status).toLowerCase()}`;
        throw new AppError('UNAUTHORIZED', WRONG);
      }
      return this.secondStep(found, code, key, address, false, attempt);
    });
  }

  /**
   * `{ticket, code?}` from the console after single sign-on: the provider vouched for the e-mail;
   * the sign-in limits, deactivation and the second-factor policy apply as for a password (the
   * provider's own second factor counts where it is trusted, `trust_amr`).
   */
  async completeSso(req: FastifyRequest, body: unknown) {
    const oidc = this.deps.oidc;
    const address = req.ip;
    const { ticket, code } = (body ?? {}) as Record<string, unknown>;
    if (code !== undefined && code !== null && (typeof code !== 'string' || code.length > 64)) throw new AppError('VALIDATION', 'The code is text of at most 64 characters', { code: 'must be text' });
    const attempt: Attempt = { method: 'single sign-on', email: null, address };
    return this.deps.signIns.around(attempt, async () => {
      const held = await oidc.ticket(req, ticket);
      Object.assign(attempt, { email: held.email, provider: held.provider?.id ?? null });
      await this.deps.limiter.attempt(held.email, address);
      let found = await this.account(held.email);
      const create = held.provider?.create_accounts;
      if (!found && create) {
        // A provider trusted to create accounts: the verified e-mail of its domain gets one, audited
        // as made by single sign-on, with the role and districts the provider's configuration names.
        await inUnitOfWork(this.deps.pool, { userId: null, reason: `account created at first single sign-on with ${held.provider!.name}` }, (tx) =>
          tx.query(
            `INSERT INTO ${T.users} (first_name, last_name, email, role, status, districts) VALUES ($1, $2, $3, $4, 'Active', $5) ON CONFLICT DO NOTHING`,
            [held.givenName ?? held.email.split('@')[0], held.familyName ?? '', held.email, create.role, create.districts],
          ),
        );
        found = await this.account(held.email);
      }
      attempt.userId = found?.id ?? null;
      if (!found || !ACTIVE(found.status)) throw new AppError('UNAUTHORIZED', `No active account for ${held.email}; ask an administrator`);
      return this.secondStep(found, code, held.email, address, held.strongAmr, attempt, () => oidc.spend(ticket as string));
    });
  }

  private async account(email: string) {
    const { rows } = await this.deps.pool.query(
      `SELECT u.id, u.status, u.role, c.password_hash, EXISTS (SELECT 1 FROM ${T.secondFactors} m WHERE m.user_id = u.id AND m.enabled_at IS NOT NULL) AS mfa,
              (SELECT version FROM permission_matrix_version) AS matrix_version
         FROM ${T.users} u LEFT JOIN ${T.credentials} c ON c.user_id = u.id WHERE lower(u.email) = $1`,
      [email],
    );
    return rows[0];
  }

  /** After the first factor: the code where one is enabled, then the session (enrolment-only where the role requires a factor not enrolled). */
  private async secondStep(found: Record<string, any>, code: unknown, key: string, address: string, vouched: boolean, attempt: Attempt, spend?: () => Promise<boolean>) {
    if (vouched) attempt.secondFactor = 'provider';
    if (found.mfa && !vouched) {
      if (typeof code !== 'string' || code.trim() === '') throw new AppError('MFA_REQUIRED', 'Enter the 6-digit code from your authenticator app, or a recovery code');
      attempt.secondFactor = looksLikeRecoveryCode(code) ? 'recovery code' : 'authenticator code';
      if (!(await this.deps.secondFactor.accepts(found.id, code))) throw new AppError('MFA_INVALID', 'The code is wrong or was already used');
    }
    if (spend && !(await spend())) throw new AppError('UNAUTHORIZED', 'This single sign-on has expired or was already used; start again');
    await this.deps.limiter.succeeded(key, address);
    const granted = await this.deps.permissions.granted(roleNamed(found.role), String(found.matrix_version));
    const enrolmentOnly = !found.mfa && !vouched && mfaRequired(this.deps.mfaPolicy, found.role, granted);
    return this.signedIn(found.id, enrolmentOnly, attempt);
  }

  /**
   * Records the sign-in (an authentication event; last_login is a quiet column, no record change)
   * and starts the session: the answer of login (and of single sign-on).
   */
  private async signedIn(userId: number, enrolmentOnly: boolean, attempt: Attempt) {
    await inUnitOfWork(this.deps.pool, { userId, reason: 'sign-in' }, async (tx) => {
      await this.deps.signIns.succeeded(tx, { ...attempt, userId }, enrolmentOnly ? 'second factor to be enrolled first' : null);
      await tx.query(`UPDATE ${T.users} SET last_login = now() WHERE id = $1`, [userId]);
    });
    return this.deps.open(userId, enrolmentOnly);
  }
}
