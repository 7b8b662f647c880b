import { defineConfig } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { entities } from '../schema/index.js';
import { migrationsList } from '../../migrations/index.js';
import type { DatabaseLimits } from '../config/config.js';

export interface OrmOptions {
  url: string;
  /** Extra entities (tests declare one to prove a table needs nothing else). */
  extraEntities?: Function[];
  poolMax?: number;
  debug?: boolean;
  /**
   * The serving limits (`npm start` passes them); left out for the CLI's migrate and seed, whose
   * statements at a million rows may rightly run for minutes.
   */
  limits?: DatabaseLimits;
  /** Streaming replicas for reads (DATABASE_REPLICA_URLS): MikroORM keeps a pool per replica. */
  replicaUrls?: string[];
}

/** The one MikroORM configuration: entities listed explicitly, migrations compiled in. */
export function ormConfig(options: OrmOptions) {
  const limits = options.limits && {
    connectionTimeoutMillis: options.limits.acquireTimeoutMs,
    statement_timeout: options.limits.statementTimeoutMs,
    idle_in_transaction_session_timeout: options.limits.idleInTransactionTimeoutMs,
  };
  return defineConfig({
    clientUrl: options.url,
    entities: [...entities, ...(options.extraEntities ?? [])],
    extensions: [Migrator],
    // The API speaks the database's own snake_case names: properties are declared with them.
    forceUndefined: false,
    debug: options.debug ?? false,
    pool: { min: 0, max: options.limits?.poolMax ?? options.poolMax ?? 10, idleTimeoutMillis: 10_000 },
    // Passed through to pg's Pool and to every client it opens (MikroORM merges them into the pool options).
    driverOptions: limits,
    // A replica that stops answering (a partition rather than a refusal) must fail a read in
    // seconds, so the read router can answer from the primary instead of waiting forever.
    replicas: (options.replicaUrls ?? []).map((url, i) => ({ name: `read-${i + 1}`, clientUrl: url, driverOptions: { ...limits, connectionTimeoutMillis: 3_000 } })),
    preferReadReplicas: true,
    migrations: {
      tableName: 'mikro_orm_migrations',
      migrationsList,
      snapshot: false,
      silent: true,
      transactional: true,
      allOrNothing: true,
    },
    // Every session speaks UTC so timestamps serialise identically from every replica.
    timezone: '+00:00',
  });
}
