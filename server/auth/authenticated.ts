import type { Caller } from '../engine/caller.js';
import type { MfaPolicy } from './mfa-policy.js';
import type { OidcProviderConfig } from './oidc-config.js';
import type { SignedInUser } from './policy.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';

/** A request's signed-in user, as the session (or API key) check found them. */
export interface Authenticated {
  caller: Caller;
  user: SignedInUser;
  sessionId: string;
  permissions: Set<string>;
  /** The role requires a second factor the user has not enrolled: only enrolment routes are open. */
  enrolmentOnly: boolean;
  /** Signed in with an API key (as its service user) rather than a session. */
  apiKeyId: number | null;
  /** permission_matrix_version read by the session check: what `permissions` were taken from. */
  matrixVersion: string;
}

export interface SessionOptions {
  /** Which roles must sign in with a second factor (MFA_REQUIRED_ROLES). */
  mfaPolicy: MfaPolicy;
  /** A session unused this long ends (SESSION_IDLE_MINUTES); the token's 8 hours stay the absolute limit. */
  idleSeconds: number;
  /** Single sign-on providers (OIDC_PROVIDERS). */
  oidcProviders?: OidcProviderConfig[];
  /** MFA_SECRET_KEY: the key TOTP secrets are encrypted with (derived from the token key when unset). */
  mfaSecretKey?: string;
}

/** Routes an API key is not accepted on: sign-in, passwords, second factors, keys, sessions. */
export const NOT_FOR_KEYS = (url: string) => (url.startsWith('/api/auth/') && url !== '/api/auth/me') || url === `/api/${T.users}/:id/password` || url === `/api/${T.users}/:id/mfa/reset`;

/** What a session that must enrol a second factor may still reach. */
export const ENROLMENT_ROUTES = new Set(['/api/auth/me', '/api/auth/logout', '/api/auth/keepalive', '/api/auth/mfa/setup', '/api/auth/mfa/confirm']);

/** The signed-in user as the console learns it (GET /api/auth/me, and the answer to a sign-in). */
export function describeSignedIn(auth: Authenticated, idleSeconds: number) {
  const { user } = auth;
  return {
    // The console warns a minute before the session would end for inactivity.
    idle_timeout_seconds: idleSeconds,
    user: { id: user.id, name: `${user.first_name} ${user.last_name}`, email: user.email, role: user.role, districts: user.districts },
    // An enrolment-only session holds no permission until the second factor is confirmed.
    permissions: auth.enrolmentOnly ? [] : [...auth.permissions].sort(),
    mfa_enrolment_required: auth.enrolmentOnly,
  };
}

/** Who creates or manages API keys: the signed-in person (keys themselves never reach these routes). */
export function keyOwner(auth: Authenticated) {
  return { id: auth.user.id, role: auth.user.role, districts: auth.user.districts, permissions: auth.permissions };
}
