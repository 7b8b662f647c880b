import pgListen from 'pg-listen';
import { PERMISSION_CHANNEL } from './permission-notify.sql.js';
import type { PermissionCache } from './permission-cache.js';

/**
 * The replica's ear on the permission matrix: a dedicated connection (pg-listen, which reconnects
 * with back-off and LISTENs again) that drops the cache on every matrix NOTIFY. While the connection
 * is down a NOTIFY could be missed, so the cache is told to stop caching until it is back, and is
 * dropped again on reconnecting.
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
    cache.setLive(false);
    if (attempt === 1) warn('permission listener: connection lost, reconnecting (matrix read per request meanwhile)');
  });
  subscriber.events.on('connected', () => cache.setLive(true));
  subscriber.events.on('error', (error) => warn(`permission listener: ${error.message}`));
  await subscriber.connect();
  await subscriber.listenTo(PERMISSION_CHANNEL);
  cache.setLive(true);
  return { close: () => subscriber.close() };
}
