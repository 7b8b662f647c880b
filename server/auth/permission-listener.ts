import pgListen from 'pg-listen';
import { PERMISSION_CHANNEL } from './permission-notify.sql.js';
import type { PermissionCache } from './permission-cache.js';

/**
 * The replica's ear on the permission matrix: a dedicated connection (pg-listen, which reconnects
 * with back-off and LISTENs again) that drops the cache on every matrix NOTIFY, and once more on
 * reconnecting (a NOTIFY sent meanwhile is lost). Requests stay correct while it is down: each
 * checks the matrix version (permission-cache.ts).
 */
export async function listenForPermissionChanges(url: string, cache: PermissionCache, warn: (line: string) => void): Promise<{ close(): Promise<void> }> {
  // pg-listen is CommonJS with its function on `default`.
  const subscriber = pgListen.default(
    { connectionString: url, application_name: 'kcsos permission listener' },
    {
      // Never give up (pg-listen's default stops after 3 s): the database may be down for minutes.
      retryLimit: Infinity,
      retryTimeout: 0,
      retryInterval: (attempt) => Math.min(5_000, 250 * 2 ** attempt),
      paranoidChecking: 10_000,
      parse: (payload) => payload,
    },
  );
  subscriber.notifications.on(PERMISSION_CHANNEL, () => cache.invalidate());
  subscriber.events.on('reconnect', (attempt) => {
    if (attempt === 1) warn('permission listener: connection lost, reconnecting');
  });
  subscriber.events.on('connected', () => cache.invalidate());
  subscriber.events.on('error', (error) => warn(`permission listener: ${error.message}`));
  await subscriber.connect();
  await subscriber.listenTo(PERMISSION_CHANNEL);
  return { close: () => subscriber.close() };
}
