import type { AuthProvider } from 'react-admin';
import { API, httpClient, labelsOnly, matrixVersion, sessionActivity, tokenStore } from '../data/http';
import type { Permissions } from '../data/meta';
import { queryClient } from '../data/query-client';

let cached: Promise<Permissions> | null = null;
let latest: Permissions | null = null;

/** The last permissions loaded (for code that cannot wait, such as message translation), or null. */
export function loadedPermissions(): Permissions | null {
  return latest;
}

/** Who the user is and what they may use: /auth/me plus /meta, fetched once per sign-in. */
function load(): Promise<Permissions> {
  // Signed out: nothing to ask the server (it would only answer 401).
  if (!tokenStore.get()) return Promise.resolve({ granted: [], role: '', resources: [], labels: [], roles: [], features: {} });
  cached ??= Promise.all([httpClient(`${API}/auth/me`), httpClient(`${API}/meta`)])
    .then(([me, meta]) => {
      sessionActivity.idleSeconds = Number(me.json.idle_timeout_seconds) || 0;
      labelsOnly.clear();
      for (const l of meta.json.labels ?? []) labelsOnly.add(l.name);
      return (latest = { granted: me.json.permissions, role: me.json.user.role, resources: meta.json.resources, labels: meta.json.labels ?? [], roles: meta.json.roles ?? [], features: meta.json.features ?? {} });
    })
    .catch((error) => {
      cached = null;
      throw error;
    });
  return cached;
}

export const authProvider: AuthProvider = {
  /** `{token}` from the sign-in page once every step is done (LoginPage), or `{username, password}`. */
  async login({ username, password, token }) {
    if (token) {
      sessionActivity.last = Date.now();
      tokenStore.set(token);
      cached = null;
      return;
    }
    const res = await fetch(`${API}/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: username, password }),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.message ?? 'Sign-in failed');
    tokenStore.set(body.token);
    cached = null;
  },
  async logout() {
    if (tokenStore.get()) await httpClient(`${API}/auth/logout`, { method: 'POST' }).catch(() => undefined);
    tokenStore.clear();
    cached = null;
    latest = null;
    knownVersion = null;
  },
  async checkAuth() {
    if (!tokenStore.get()) throw new Error('Sign in');
  },
  async checkError(error) {
    if (error?.status === 401) {
      tokenStore.clear();
      cached = null;
      // A refused save keeps its form (see data-provider's write); the next page asks to sign in.
      if (error.sessionEndedOnWrite) return;
      throw new Error('Your session ended; sign in again');
    }
  },
  async getIdentity() {
    if (!tokenStore.get()) throw new Error('Sign in');
    const me = (await httpClient(`${API}/auth/me`)).json;
    return { id: me.user.id, fullName: `${me.user.name} · ${me.user.role}` };
  },
  getPermissions: () => load(),
  /**
   * What react-admin asks before it shows a button or a page (Delete in the edit toolbar, Edit,
   * Create, bulk delete, links to show/edit pages): the actions GET /api/meta grants the caller.
   */
  async canAccess({ resource, action }) {
    const meta = (await load()).resources.find((r) => r.name === resource);
    return !!meta?.actions.includes(action);
  },
};

/**
 * Drops the cached permissions and has react-admin ask again (getPermissions, canAccess): the
 * menus, resources and buttons are redrawn from the new /api/meta without a reload.
 */
export function reloadPermissions(): void {
  cached = null;
  void queryClient.invalidateQueries({ queryKey: ['auth'] });
}

/**
 * Permissions followed live: every answer names the matrix version it was authorized with. When it
 * differs from the one the console's permissions came from, or something offered was refused
 * (null), the permissions are loaded again. The reload's own answers carry the new version.
 */
let knownVersion: string | null = null;
let reloading = false;
matrixVersion.listener = (version) => {
  if (version !== null && (knownVersion === null || version === knownVersion)) {
    knownVersion = version;
    return;
  }
  if (reloading || !tokenStore.get()) return;
  reloading = true;
  if (version !== null) knownVersion = version;
  reloadPermissions();
  void load()
    .catch(() => undefined)
    .finally(() => {
      reloading = false;
    });
};
