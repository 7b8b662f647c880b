import { HttpError, fetchUtils } from 'react-admin';

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

export const OFFLINE = 'You are offline: nothing can be loaded or saved until the connection is back.';
const UNREACHABLE = 'The server cannot be reached: check your connection and try again.';

/** What the server said when it refused (its error body's message), else the error's own words, else `fallback`. */
export function refusalMessage(error: unknown, fallback = 'The server refused this'): string {
  const e = error as { body?: { message?: string }; message?: string } | null;
  return e?.body?.message ?? e?.message ?? fallback;
}

/** What the console says for a refusal the server gave no words for, by status. */
const BY_STATUS: Record<number, string> = {
  401: 'Your session ended; sign in again',
  403: 'You may not do this',
  404: 'That record does not exist, or you may not see it',
  409: 'This conflicts with the current data; reload and try again',
  422: 'The server could not accept this',
};

/**
 * A request that never got an answer (offline, server down) as an error with a status of 0 and a
 * sentence, instead of the browser's "Failed to fetch"; an answer without a message gets one by status.
 */
function explained(error: unknown): unknown {
  if (error instanceof TypeError || (error as { name?: string })?.name === 'TypeError') {
    const message = typeof navigator !== 'undefined' && navigator.onLine === false ? OFFLINE : UNREACHABLE;
    return new HttpError(message, 0, { message });
  }
  const e = error as { status?: number; message?: string; body?: { message?: string } };
  if (e?.status && BY_STATUS[e.status] && !e.body?.message) Object.assign(e, { message: BY_STATUS[e.status] });
  return error;
}

/**
 * Told each answer's permission matrix version (the X-Permission-Version header), and told `null`
 * on a 403: a refusal of something the console offered means its permissions are stale.
 */
export const matrixVersion = { listener: null as ((version: string | null) => void) | null };

function noteVersion(headers: Headers | undefined) {
  const version = headers?.get('x-permission-version');
  if (version) matrixVersion.listener?.(version);
}

/** fetch with the bearer token and the change reason (URI-encoded: headers are Latin-1). */
export function authorizedFetch(url: string, init: RequestInit & { reason?: string | null } = {}) {
  const headers = new Headers(init.headers as HeadersInit);
  const token = tokenStore.get();
  if (token) headers.set('Authorization', `Bearer ${token}`);
  if (init.reason) headers.set('X-Change-Reason', encodeURIComponent(init.reason));
  const { reason: _reason, ...rest } = init;
  return fetch(url, { ...rest, headers }).then(
    (res) => {
      noteVersion(res.headers);
      if (res.status === 403) matrixVersion.listener?.(null);
      return res;
    },
    (error) => {
      throw explained(error);
    },
  );
}

/** fetchJson with the bearer token, and the change reason (URI-encoded: headers are Latin-1). */
export function httpClient(url: string, options: fetchUtils.Options & { reason?: string | null } = {}) {
  const headers = new Headers(options.headers as HeadersInit);
  if (!headers.has('Accept')) headers.set('Accept', 'application/json');
  const token = tokenStore.get();
  if (token) headers.set('Authorization', `Bearer ${token}`);
  if (options.reason) headers.set('X-Change-Reason', encodeURIComponent(options.reason));
  const { reason: _reason, ...rest } = options;
  if (token) sessionActivity.last = Date.now();
  return fetchUtils.fetchJson(url, { ...rest, headers }).then(
    (answer) => {
      noteVersion(answer.headers);
      return answer;
    },
    (error) => {
      if ((error as { status?: number }).status === 403) matrixVersion.listener?.(null);
      throw explained(error);
    },
  );
}

/**
 * Resources read through `/api/<name>/labels` (id and the fields a record is shown by): the user
 * may not list them, but records they may show refer to them. Set when the permissions load.
 */
export const labelsOnly = new Set<string>();

/** The list path of a resource: its labels when that is all the user may read of it. */
export const listPath = (resource: string) => `${API}/${resource}${labelsOnly.has(resource) ? '/labels' : ''}`;

/**
 * A refusal of something the console offered (the button was there because the permission was):
 * the permission was taken away since, and the message names it.
 */
export function refusedPermission<T>(request: Promise<T>, permission: string): Promise<T> {
  return request.catch((error) => {
    const e = error as { status?: number; message?: string; body?: Record<string, unknown> };
    if (e?.status === 403 && !e.body?.errors) {
      const message = `${(e.body?.message as string | undefined) ?? e.message ?? 'Refused'}: your role no longer has the ${permission} permission. The console now shows what it has.`;
      Object.assign(e, { message, body: { ...e.body, message } });
    }
    throw error;
  });
}
