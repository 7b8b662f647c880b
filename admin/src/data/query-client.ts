import { QueryClient } from '@tanstack/react-query';

/**
 * A refusal is an answer: 401, 403, 404, 409, 422 and every other 4xx are shown at once, never
 * retried (react-query's default retried them three times with backoff, about 7 s of "Loading…").
 * A network failure, a 5xx or a 429 (a budget full for a moment: an undo preview while two run) is
 * retried once, unless the browser knows it is offline.
 */
function shouldRetry(failures: number, error: unknown): boolean {
  const status = (error as { status?: number } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500 && status !== 429) return false;
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return false;
  return failures < 1;
}

export const queryClient = new QueryClient({
  defaultOptions: {
    // networkMode 'always': offline, a request fails (and says so) instead of waiting, paused
    // behind a skeleton, for a connection that may never come.
    queries: { retry: shouldRetry, networkMode: 'always' },
    mutations: { retry: false, networkMode: 'always' },
  },
});
