import { MikroORM } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';
import type { AppConfig } from '../config/config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres.js';
import { ormConfig, type OrmOptions } from './orm-config.js';
import { ensureAuditTriggers } from '../audit/ensure-audit-triggers.js';
import { keepsPermissionManageSql } from '../auth/permission-notify.sql.js';
import { roles } from '../schema/roles.js';
import { ReadRouter } from './read-router.js';
import { LOCKS, withAdvisoryLock } from './advisory-lock.js';

export interface Database {
  orm: MikroORM;
  /** The ORM's own pg pool: one pool for the ORM, the engine and the unit of work. */
  pool: Pool;
  /** Where list and show reads go: a replica when configured, else the primary. */
  reads: ReadRouter;
  url: string;
  /** True when this process started the embedded cluster (and must stop it). */
  embedded: boolean;
  close(): Promise<void>;
}

interface OpenOptions extends Omit<OrmOptions, 'url'> {
  log?: (line: string) => void;
  /** After a user writes, their reads stay on the primary this long (replicas only). */
  readYourWritesMs?: number;
}

/** Connects to DATABASE_URL, or starts the embedded PostgreSQL under the data folder. */
export async function openDatabase(config: AppConfig, options: OpenOptions = {}): Promise<Database> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: Number(process.env.EMBEDDED_PG_PORT) || 54329,
      log: options.log,
    });
    url = embedded.url;
  }
  try {
    return await connect(url, { replicaUrls: config.replicaUrls, readYourWritesMs: config.readYourWritesMs, ...options }, embedded);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

export async function connect(url: string, options: OpenOptions = {}, embedded?: EmbeddedDatabase): Promise<Database> {
  const orm = await MikroORM.init(ormConfig({ ...options, url }));
  const pool = (await orm.em.getConnection().getNativeClient()) as Pool;
  let closed = false;
  const reads = new ReadRouter(orm, pool, options.replicaUrls?.length ?? 0, options.readYourWritesMs ?? 5_000);
  return {
    orm,
    pool,
    reads,
    url,
    embedded: embedded !== undefined,
    async close() {
      if (closed) return;
      closed = true;
      await orm.close(true);
      await embedded?.stop();
    },
  };
}

/**
 * Migrates the database at `url` over a connection of its own, free of the serving pool's statement
 * timeout: a migration may rightly rewrite a table of millions of rows.
 */
export async function migrateAt(url: string): Promise<void> {
  const db = await connect(url);
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
}

/**
 * Applies pending migrations, then makes sure every entity table carries the audit trigger. Replicas
 * starting together on one database take turns (an advisory lock), so each migration runs once.
 */
export async function migrate(db: Database): Promise<void> {
  await startupExclusively(db, async () => {
    await db.orm.migrator.up();
    await ensureAuditTriggers(db);
    // The guard of permission.manage knows each role's matrix column: as declared now.
    await db.pool.query(keepsPermissionManageSql(roles()));
  });
}

/** Start-up work one replica at a time: migrations, the first-run seed. */
export async function startupExclusively<T>(db: Database, work: () => Promise<T>): Promise<T> {
  return (await withAdvisoryLock(db.pool, LOCKS.startup, true, work)) as T;
}
