import { createHash, randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import type { Pool } from 'pg';
import { AppError } from '../errors/app-error.js';
import type { OidcProviderConfig } from './oidc-config.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';

/** amr values (RFC 8176) that say the provider itself asked for a second factor. */
const STRONG_AMR = new Set(['mfa', 'otp', 'hwk', 'swk', 'fpt', 'face', 'sc', 'sms']);
const FLOW_MINUTES = 10;
const TICKET_SECONDS = 120;
const digest = (value: string) => createHash('sha256').update(value).digest('hex');
/** The cookie that binds a flow to the browser that started it (no login CSRF, no forwarded tickets). */
const BINDING_COOKIE = 'kcsos_sso';

function bindingOf(req: FastifyRequest): string {
  const header = String(req.headers.cookie ?? '');
  const m = new RegExp(`(?:^|;\\s*)${BINDING_COOKIE}=([\\w-]{43})(?:;|$)`).exec(header);
  return m ? digest(m[1]) : '';
}

/** Where the browser goes after the provider: the console, with a one-time ticket or a reason. */
type CallbackOutcome = { ticket: string } | { error: string };

/**
 * Single sign-on with OpenID Connect (openid-client): authorization code flow with PKCE, state and
 * nonce. The flow's secrets live in PostgreSQL (`oidc_login`), so any replica can take the callback.
 * The callback checks the ID token (issuer, audience, signature, expiry, nonce: openid-client), then
 * our rules (a verified e-mail in an allowed domain, an active account matched by e-mail; no account
 * is created), and hands the browser a one-time ticket, short-lived and kept hashed; the console
 * trades it for a session at POST /api/auth/oidc/complete, where the sign-in limits and the
 * second-factor policy apply as for a password.
 */
export class OidcSignIn {
  private readonly configs = new Map<string, Promise<oidc.Configuration>>();

  constructor(
    private readonly pool: Pool,
    readonly providers: OidcProviderConfig[],
  ) {}

  list() {
    return this.providers.map((p) => ({ id: p.id, name: p.name, start: `/api/auth/oidc/${p.id}/start` }));
  }

  private provider(id: string): OidcProviderConfig {
    const p = this.providers.find((x) => x.id === id);
    if (!p) throw new AppError('NOT_FOUND', `No sign-in provider ${id.slice(0, 40)}`);
    return p;
  }

  /** Discovery once per provider (retried after a failure). */
  private config(p: OidcProviderConfig): Promise<oidc.Configuration> {
    let pending = this.configs.get(p.id);
    if (!pending) {
      const url = new URL(p.issuer);
      const loopback = url.protocol === 'http:';
      pending = oidc.discovery(url, p.client_id, p.client_secret, undefined, loopback ? { execute: [oidc.allowInsecureRequests] } : undefined);
      pending.catch(() => this.configs.delete(p.id));
      this.configs.set(p.id, pending);
    }
    return pending;
  }

  private static redirectUri(req: FastifyRequest, id: string): string {
    return `${req.protocol}://${req.host}/api/auth/oidc/${id}/callback`;
  }

  /**
   * The provider's authorization URL for a new flow, and the cookie binding it to this browser
   * (HttpOnly, SameSite=Lax so it comes back with the provider's top-level redirect).
   */
  async start(req: FastifyRequest, id: string): Promise<{ url: string; cookie: string }> {
    const p = this.provider(id);
    const config = await this.config(p).catch(() => {
      throw new AppError('UNAVAILABLE', `${p.name} cannot be reached; try again later`);
    });
    const [state, nonce, verifier] = [oidc.randomState(), oidc.randomNonce(), oidc.randomPKCECodeVerifier()];
    const binding = randomBytes(32).toString('base64url');
    await this.pool.query(`DELETE FROM ${T.ssoLogins} WHERE created_at < now() - make_interval(mins => $1)`, [FLOW_MINUTES]);
    await this.pool.query(`INSERT INTO ${T.ssoLogins} (state_hash, provider, nonce, verifier, binding_hash) VALUES ($1, $2, $3, $4, $5)`, [digest(state), p.id, nonce, verifier, digest(binding)]);
    const secure = req.protocol === 'https' ? '; Secure' : '';
    const cookie = `${BINDING_COOKIE}=${binding}; Path=/api/auth/oidc; HttpOnly; SameSite=Lax; Max-Age=${FLOW_MINUTES * 60}${secure}`;
    const url = oidc
      .buildAuthorizationUrl(config, {
        redirect_uri: OidcSignIn.redirectUri(req, p.id),
        scope: 'openid email profile',
        state,
        nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      })
      .toString();
    return { url, cookie };
  }

  /** The provider sent the browser back: check everything, answer a ticket or the reason. */
  async callback(req: FastifyRequest, id: string, log: (line: string) => void): Promise<CallbackOutcome> {
    const p = this.provider(id);
    const query = req.query as Record<string, unknown>;
    if (typeof query.error === 'string') return { error: `${p.name} did not sign you in (${String(query.error).slice(0, 60)})` };
    const state = typeof query.state === 'string' ? query.state : '';
    const { rows } = await this.pool.query(
      `DELETE FROM ${T.ssoLogins} WHERE state_hash = $1 AND provider = $2 AND binding_hash = $3 AND created_at > now() - make_interval(mins => $4) RETURNING nonce, verifier, binding_hash`,
      [digest(state), p.id, bindingOf(req), FLOW_MINUTES],
    );
    // Unknown, used or old state, or another browser than the one that started: the same answer.
    if (!rows[0]) return { error: 'This sign-in link has expired or was already used; start again' };
    let claims: Record<string, unknown> | undefined;
    try {
      const config = await this.config(p);
      const current = new URL(OidcSignIn.redirectUri(req, p.id));
      current.search = new URL(req.url, 'http://x').search;
      const tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: rows[0].verifier, expectedNonce: rows[0].nonce, expectedState: state, idTokenExpected: true });
      const idToken = tokens.claims()!;
      claims = { ...idToken };
      // Providers that keep the e-mail out of the ID token (OIDC's "conform" default) answer it at
      // userinfo, for the same subject (openid-client checks it).
      if (typeof idToken.email !== 'string') claims = { ...claims, ...(await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub)), amr: idToken.amr };
    } catch (error) {
      // Wrong audience, nonce, issuer or signature, an expired or reused code: openid-client refuses.
      log(`single sign-on with ${p.id} refused: ${error instanceof Error ? error.message : String(error)}`);
      return { error: `${p.name}'s answer could not be verified; start again` };
    }
    const email = typeof claims?.email === 'string' ? claims.email.trim().toLowerCase() : '';
    if (!email) return { error: `${p.name} did not tell your e-mail address` };
    if (claims!.email_verified !== true) return { error: `Your e-mail address is not verified at ${p.name}` };
    if (!p.domains.includes(email.split('@')[1] ?? '')) return { error: `${p.name} may sign in addresses of ${p.domains.join(', ')} only` };
    const amr = Array.isArray(claims!.amr) ? (claims!.amr as unknown[]) : [];
    const strongAmr = p.trust_amr && amr.some((a) => typeof a === 'string' && STRONG_AMR.has(a));
    const ticket = randomBytes(32).toString('base64url');
    // The person's name as the provider gives it, for an account made at first sign-in (create_accounts).
    const given = typeof claims!.given_name === 'string' ? claims!.given_name : null;
    const family = typeof claims!.family_name === 'string' ? claims!.family_name : null;
    const name = [given, family].filter(Boolean).join(' ') || (typeof claims!.name === 'string' ? claims!.name : '');
    await this.pool.query(
      `INSERT INTO ${T.ssoLogins} (provider, ticket_hash, email, strong_amr, binding_hash, given_name, family_name) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [p.id, digest(ticket), email, strongAmr, rows[0].binding_hash, (given ?? name.split(/\s+/)[0] ?? '').slice(0, 100) || null, (family ?? name.split(/\s+/).slice(1).join(' ')).slice(0, 100) || null],
    );
    return { ticket };
  }

  /** The ticket's e-mail and whether the provider vouched for a second factor; not used up (a code may still be asked). */
  async ticket(req: FastifyRequest, ticket: unknown): Promise<{ email: string; strongAmr: boolean; provider: OidcProviderConfig | undefined; givenName: string | null; familyName: string | null }> {
    if (typeof ticket !== 'string' || !/^[\w-]{43}$/.test(ticket)) throw new AppError('VALIDATION', 'Give the sign-in ticket', { ticket: 'required' });
    const { rows } = await this.pool.query(`SELECT email, strong_amr, provider, given_name, family_name FROM ${T.ssoLogins} WHERE ticket_hash = $1 AND binding_hash = $2 AND created_at > now() - make_interval(secs => $3)`, [
      digest(ticket),
      bindingOf(req),
      TICKET_SECONDS,
    ]);
    if (!rows[0]) throw new AppError('UNAUTHORIZED', 'This single sign-on has expired or was already used; start again');
    const provider = this.providers.find((p) => p.id === rows[0].provider);
    return { email: rows[0].email, strongAmr: rows[0].strong_amr, provider, givenName: rows[0].given_name, familyName: rows[0].family_name };
  }

  /** Uses the ticket up; false when another request did first. */
  async spend(ticket: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(`DELETE FROM ${T.ssoLogins} WHERE ticket_hash = $1`, [digest(ticket)]);
    return rowCount === 1;
  }
}
