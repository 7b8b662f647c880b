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
import { MAX_PASSWORD, verifyPassword } from './passwords.js';
import { setPassword } from './password-change.js';
import { mfaRequired } from './mfa-policy.js';
import type { PermissionCache } from './permission-cache.js';
import { roleNamed } from '../schema/roles.js';
import { userCaller, type SignedInUser } from './policy.js';
import { ApiKeys } from './api-keys.js';
import { MfaFlows } from './mfa-flows.js';
import { OidcSignIn } from './oidc-sign-in.js';
import { SecondFactor } from './second-factor.js';
import { SecretBox } from './secret-box.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';
import { describeSignedIn, ENROLMENT_ROUTES, NOT_FOR_KEYS, type Authenticated, type SessionOptions } from './authenticated.js';
import { SignInEvents } from './sign-in-events.js';
import { sessionCheck, type AskedSession } from './session-check.sql.js';
import { SharedStatements } from '../db/shared-statements.js';
import { PresumedCaller } from './presumed-caller.js';
import { SignInFlow } from './sign-in-flow.js';


const SIGN_IN_AGAIN = 'Your session is not valid; sign in again';
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
  /** What each session's last check found: the caller a request of it presumably is (presumed-caller.ts). */
  readonly lastChecked = new Map<string, Authenticated>();
  readonly secondFactor: SecondFactor;
  readonly mfa: MfaFlows;
  readonly keys: ApiKeys;
  readonly oidc: OidcSignIn;
  readonly signIns: SignInEvents;
  private readonly flow: SignInFlow;
  private readonly checks: SharedStatements<AskedSession, Record<string, any> | undefined>;

  constructor(
    private readonly pool: Pool,
    private readonly secret: Uint8Array,
    private readonly permissions: PermissionCache,
    private readonly limiter: LoginLimiter,
    private readonly resources: Map<string, ResourceMeta>,
    private readonly options: SessionOptions = { mfaPolicy: null, idleSeconds: 15 * 60 },
  ) {
    this.secondFactor = new SecondFactor(pool, new SecretBox(options.mfaSecretKey, secret));
    this.mfa = new MfaFlows(this, this.secondFactor, pool);
    this.keys = new ApiKeys(pool, permissions);
    this.oidc = new OidcSignIn(pool, options.oidcProviders ?? []);
    this.signIns = new SignInEvents(pool);
    // Every request's check, shared by the requests that arrive while one is running: under load a
    // statement checks many sessions, on one of the pool's connections however many requests wait.
    this.checks = new SharedStatements(
      async (asked) => {
        const { rows } = await this.pool.query(sessionCheck(asked, options.idleSeconds, this.touchSeconds));
        return asked.map((a) => rows.find((r) => r.session_id === a.sessionId && r.id === a.userId));
      },
      { maxInFlight: 1, maxBatch: 100 },
    );
    const open = (userId: number, enrolmentOnly: boolean) => this.open(userId, enrolmentOnly);
    this.flow = new SignInFlow({ pool, limiter, permissions, secondFactor: this.secondFactor, oidc: this.oidc, signIns: this.signIns, mfaPolicy: options.mfaPolicy, open });
  }

  /** `{email, password, code?}`; and `{ticket, code?}` after single sign-on (sign-in-flow.ts). */
  login = (body: unknown, address: string) => this.flow.login(body, address);
  completeSso = (req: FastifyRequest, body: unknown) => this.flow.completeSso(req, body);

  /** A new session, and the answer of a sign-in. */
  private async open(userId: number, enrolmentOnly: boolean) {
    const session = await this.startSession(userId, enrolmentOnly);
    const { sid } = await verifyToken(this.secret, session.token);
    return { ...session, ...describeSignedIn(await this.load(sid, userId), this.options.idleSeconds) };
  }

  /** A session unused this long ends (what the console warns of). */
  get idleSeconds(): number {
    return this.options.idleSeconds;
  }

  /** How often a used session's last_seen_at is written: well inside the idle time. */
  private get touchSeconds(): number {
    return Math.min(30, this.options.idleSeconds / 4);
  }

  /** "Stay signed in": the session counts as used now, whenever it was last marked. */
  async keepAlive(request: FastifyRequest) {
    const auth = await this.authenticate(request);
    await this.pool.query(`UPDATE ${T.sessions} SET last_seen_at = now() WHERE id = $1`, [auth.sessionId]);
    return { idle_timeout_seconds: this.options.idleSeconds };
  }

  /** Whether the signed-in user's role requires a second factor (under the matrix as stored now). */
  requiresSecondFactor(auth: Authenticated): boolean {
    return mfaRequired(this.options.mfaPolicy, auth.user.role, auth.permissions);
  }

  /** Confirming a second factor opens the session that was enrolment-only. */
  async enrolled(auth: Authenticated): Promise<void> {
    await this.pool.query(`UPDATE ${T.sessions} SET enrolment_only = false WHERE id = $1`, [auth.sessionId]);
  }

  /** Consumes a sign-in attempt for a code check on an authenticated route (confirm, disable). */
  attempt(auth: Authenticated, address: string) {
    return this.limiter.attempt(auth.user.email.toLowerCase(), address);
  }

  succeeded(auth: Authenticated, address: string) {
    return this.limiter.succeeded(auth.user.email.toLowerCase(), address);
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
    const key = typeof header === 'string' ? /^Bearer (kcsos_\S*)$/i.exec(header) : null;
    if (key) return this.checkKey(request, key[1]);
    const match = typeof header === 'string' ? /^Bearer ([\w-]+\.[\w-]*\.[\w-]*)$/i.exec(header) : null;
    if (!match) throw new AppError('UNAUTHORIZED', 'Sign in to use the API');
    const claims = await this.verify(match[1]);
    if (!/^[0-9a-f-]{36}$/.test(claims.sid) || !/^\d{1,9}$/.test(claims.sub)) throw new AppError('UNAUTHORIZED', SIGN_IN_AGAIN);
    const auth = await this.load(claims.sid, Number(claims.sub));
    // Every route resolves its caller here, so an enrolment-only session reaches nothing else.
    if (auth.enrolmentOnly && !ENROLMENT_ROUTES.has(request.routeOptions?.url ?? '')) {
      throw new AppError('MFA_ENROLMENT_REQUIRED', 'Your role requires a second factor: set it up first (POST /api/auth/mfa/setup, then /confirm)');
    }
    return auth;
  }

  /** A request made with an API key acts as the key's service user, limited to its scopes. */
  private async checkKey(request: FastifyRequest, token: string): Promise<Authenticated> {
    if (NOT_FOR_KEYS(request.routeOptions?.url ?? '')) throw new AppError('FORBIDDEN', 'API keys are not accepted on sign-in, password and key routes; sign in as a person');
    const holder = await this.keys.holder(token);
    if (!holder) throw new AppError('UNAUTHORIZED', 'The API key is not valid (unknown, expired or revoked)');
    const { rows } = await this.pool.query({
      name: 'api-key-user',
      text: `SELECT u.id, u.first_name, u.last_name, u.email, u.role, u.status, u.districts,
              EXISTS (SELECT 1 FROM recent_write w WHERE w.user_id = u.id AND w.until > now()) AS recent_writer,
              (SELECT version FROM permission_matrix_version) AS matrix_version
         FROM ${T.users} u WHERE u.id = $1`,
      values: [holder.userId],
    });
    const row = rows[0];
    if (!row || !ACTIVE(row.status)) throw new AppError('UNAUTHORIZED', 'The API key is not valid (unknown, expired or revoked)');
    return this.authenticated(row, '', holder.scopes, holder.keyId);
  }

  private async load(sessionId: string, userId: number): Promise<Authenticated> {
    return this.settle(await this.checks.add({ sessionId, userId }), sessionId);
  }

  /**
   * The caller a request presumably is: what its session's last check found, for a read that
   * carries the check in its own statement (presumed-caller.ts). None for API keys, sessions not
   * checked yet or enrolment-only, and requests already checked. Its settled check counts as this
   * request's (authenticate answers it).
   */
  async presume(request: FastifyRequest): Promise<PresumedCaller | null> {
    if (this.cache.has(request)) return null;
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([\w-]+\.[\w-]*\.[\w-]*)$/i.exec(header) : null;
    const claims = match ? await this.verify(match[1]).catch(() => null) : null;
    if (!claims || !/^[0-9a-f-]{36}$/.test(claims.sid) || !/^\d{1,9}$/.test(claims.sub)) return null;
    const last = this.lastChecked.get(claims.sid);
    if (!last || last.enrolmentOnly || last.apiKeyId !== null || last.user.id !== Number(claims.sub)) return null;
    const check = { sessionId: claims.sid, userId: last.user.id, idleSeconds: this.options.idleSeconds, touchSeconds: this.touchSeconds };
    return new PresumedCaller(
      last,
      check,
      (row) => {
        const pending = this.settle(row, claims.sid);
        this.cache.set(request, pending);
        return pending;
      },
      () => this.authenticate(request),
    );
  }

  /** A session check's row (session-check.sql.ts): the signed-in user, or 401. */
  async settle(row: Record<string, any> | undefined, sessionId: string): Promise<Authenticated> {
    if (!row || !row.valid || !ACTIVE(row.status)) {
      // Nothing is presumed of a session found invalid: its next request is checked before anything runs.
      this.lastChecked.delete(sessionId);
      throw new AppError('UNAUTHORIZED', SIGN_IN_AGAIN);
    }
    const auth = await this.authenticated(row, sessionId, null, null);
    if (this.lastChecked.size >= 10_000) this.lastChecked.delete(this.lastChecked.keys().next().value!);
    this.lastChecked.set(sessionId, auth);
    return auth;
  }

  /** The caller from the user's row: the role's permissions as stored (within a key's scopes). */
  private async authenticated(row: Record<string, any>, sessionId: string, scopes: string[] | null, apiKeyId: number | null): Promise<Authenticated> {
    const role = roleNamed(row.role);
    const granted = await this.permissions.granted(role, String(row.matrix_version));
    const permissions = scopes ? new Set(scopes.filter((p) => granted.has(p))) : granted;
    const user: SignedInUser = { id: row.id, first_name: row.first_name, last_name: row.last_name, email: row.email, role: row.role, districts: row.districts };
    // This check runs on the primary, so a write made through any app replica is seen here.
    const caller = Object.assign(userCaller(user, role, permissions, this.resources), { recentWriter: row.recent_writer === true });
    return { caller, user, sessionId, permissions, enrolmentOnly: row.enrolment_only === true, apiKeyId, matrixVersion: String(row.matrix_version) };
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
    const { rowCount } = await this.pool.query(`UPDATE ${T.sessions} SET ended_at = now() WHERE id = $1 AND ended_at IS NULL`, [auth.sessionId]);
    if (rowCount) await this.signIns.signedOut(auth.user.id, request.ip ?? null);
  }

  /**
   * Sets a user's password (their own with the current one, or anyone's with permission.manage).
   * Every older session of that user ends; changing one's own password answers a fresh token.
   */
  async setPassword(request: FastifyRequest, targetId: number | null, body: unknown): Promise<{ token: string; expires_at: string } | null> {
    const auth = await this.authenticate(request);
    const changed = await setPassword({ pool: this.pool, limiter: this.limiter }, auth, request.ip, targetId, body);
    return changed.self ? this.startSession(changed.userId) : null;
  }

  private async startSession(userId: number, enrolmentOnly = false): Promise<{ token: string; expires_at: string }> {
    const sessionId = randomUUID();
    const expiresAt = new Date(Date.now() + TOKEN_HOURS * 3600_000);
    await this.pool.query(`INSERT INTO ${T.sessions} (id, user_id, expires_at, enrolment_only) VALUES ($1, $2, $3, $4)`, [sessionId, userId, expiresAt.toISOString(), enrolmentOnly]);
    return { token: await signToken(this.secret, { sub: String(userId), sid: sessionId }, expiresAt), expires_at: expiresAt.toISOString() };
  }
}
