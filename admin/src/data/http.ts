import { fetchUtils } from 'react-admin';

export const API = '/api';
const TOKEN = 'kcsos.token';

export const tokenStore = {
  get: () => localStorage.getItem(TOKEN),
  set: (token: string) => localStorage.setItem(TOKEN, token),
  clear: () => localStorage.removeItem(TOKEN),
};

/** fetchJson with the bearer token, and the change reason (URI-encoded: headers are Latin-1). */
export function httpClient(url: string, options: fetchUtils.Options & { reason?: string | null } = {}) {
  const headers = new Headers(options.headers as HeadersInit);
  if (!headers.has('Accept')) headers.set('Accept', 'application/json');
  const token = tokenStore.get();
  if (token) headers.set('Authorization', `Bearer ${token}`);
  if (options.reason) headers.set('X-Change-Reason', encodeURIComponent(options.reason));
  const { reason: _reason, ...rest } = options;
  return fetchUtils.fetchJson(url, { ...rest, headers });
}
