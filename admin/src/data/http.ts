import { fetchUtils } from 'react-admin';

export const API = '/api';
const TOKEN = 'kcsos.token';

export const tokenStore = {
  get: () => localStorage.getItem(TOKEN),
  set: (token: string) => localStorage.setItem(TOKEN, token),
  clear: () => localStorage.removeItem(TOKEN),
};

/**
 * When this console last called the API, and how long the server lets a session go unused
 * (automatic logoff, from /auth/me): IdleLogoff warns before the server would end the session.
 */
export const sessionActivity = { last: Date.now(), idleSeconds: 0 };

/** fetchJson with the bearer token, and the change reason (URI-encoded: headers are Latin-1). */
export function httpClient(url: string, options: fetchUtils.Options & { reason?: string | null } = {}) {
  const headers = new Headers(options.headers as HeadersInit);
  if (!headers.has('Accept')) headers.set('Accept', 'application/json');
  const token = tokenStore.get();
  if (token) headers.set('Authorization', `Bearer ${token}`);
  if (options.reason) headers.set('X-Change-Reason', encodeURIComponent(options.reason));
  const { reason: _reason, ...rest } = options;
  if (token) sessionActivity.last = Date.now();
  return fetchUtils.fetchJson(url, { ...rest, headers });
}

/**
 * Resources read through `/api/<name>/labels` (id and the fields a record is shown by): the user
 * may not list them, but records they may show refer to them. Set when the permissions load.
 */
export const labelsOnly = new Set<string>();

/** The list path of a resource: its labels when that is all the user may read of it. */
export const listPath = (resource: string) => `${API}/${resource}${labelsOnly.has(resource) ? '/labels' : ''}`;
