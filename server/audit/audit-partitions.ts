import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Pool, PoolClient } from 'pg';
import { LOCKS, withAdvisoryLock } from '../db/advisory-lock.js';
import { to as copyTo } from 'pg-copy-streams';
import { ident } from '../engine/plan/sql.js';
import { manifestPath, type ArchiveManifest } from './chain-verify.js';
import type { Chain } from './chain.sql.js';

interface ArchivedPartition {
  partition: string;
  rows: number;
  file: string;
}

/** The first day (UTC) of the month `offset` months from `date`'s. */
export function monthStart(date: Date, offset = 0): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1));
}

/** Replicas take turns at maintenance; one that finds it under way skips this round. */
function exclusively<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T | null> {
  return withAdvisoryLock(pool, LOCKS.auditMaintenance, false, work);
}

/**
 * Creates the partitions of this month and the next `ahead` months that do not exist yet; answers
 * the names created. A month whose rows already sit in audit_log_default (the server was down when
 * its partition was due) cannot be split out by CREATE: it is reported and left to the default
 * partition, where its rows stay readable.
 */
export async function ensureAuditPartitions(pool: Pool, options: { ahead: number; now?: Date; warn?: (line: string) => void }): Promise<string[]> {
  return ensureLogPartitions(pool, 'audit_log', options);
}

/** The same for either monthly-partitioned log (audit_log, access_log). */
export async function ensureLogPartitions(pool: Pool, log: Chain, options: { ahead: number; now?: Date; warn?: (line: string) => void }): Promise<string[]> {
  const now = options.now ?? new Date();
  const created = await exclusively(pool, async (client) => {
    const names: string[] = [];
    for (let i = 0; i <= options.ahead; i++) {
      const month = monthStart(now, i).toISOString().slice(0, 10);
      try {
        const { rows } = log === 'audit_log'
          ? await client.query('SELECT audit_log_create_partition($1::date) AS name', [month])
          : await client.query('SELECT log_create_partition($1, $2::date) AS name', [log, month]);
        if (rows[0].name) names.push(rows[0].name);
      } catch (error) {
        options.warn?.(`${log} partition for ${month.slice(0, 7)} not created: ${(error as Error).message}`);
      }
    }
    return names;
  });
  return created ?? [];
}

/**
 * Retention: every monthly partition older than `keepMonths` full months before the current one is
 * detached from audit_log, its rows are written to `<dir>/<partition>.csv.gz` (COPY's CSV with a
 * header line, gzip'd), the file is checked against the table's row count and synced, and only then
 * is the detached table dropped. A run interrupted after the detach finds the detached table on the
 * next run and finishes it. Rows are never deleted from the log itself: a month leaves it whole, to
 * its archive file.
 */
export function archiveOldAuditPartitions(pool: Pool, options: ArchiveOptions): Promise<ArchivedPartition[]> {
  return archiveOldPartitions(pool, 'audit_log', options);
}

interface ArchiveOptions {
  keepMonths: number;
  dir: string;
  now?: Date;
  /**
   * Seals every committed row first (the sealer's catch-up). With it, a month is archived only
   * when all its rows are sealed, so the chain runs on through the archive; its manifest
   * (`<partition>.chain.json`) records the first and last seal.
   */
  seal?: () => Promise<unknown>;
}

/** Retention for either log: same months, same files, each with its chain manifest. */
export async function archiveOldPartitions(pool: Pool, log: Chain, options: ArchiveOptions): Promise<ArchivedPartition[]> {
  const monthly = new RegExp(`^${log}_p(\\d{4})_(\\d{2})$`);
  const cutoff = monthStart(options.now ?? new Date(), -options.keepMonths);
  const archived = await exclusively(pool, async (client) => {
    const { rows } = await client.query<{ name: string; attached: boolean }>(
      `SELECT c.relname AS name, i.inhparent IS NOT NULL AS attached
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_inherits i ON i.inhrelid = c.oid AND i.inhparent = $1::text::regclass
        WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname LIKE replace($1::text, '_', '\\_') || '\\_p%'
        ORDER BY c.relname`,
      [log],
    );
    const candidates = rows.filter(({ name, attached }) => {
      const m = monthly.exec(name);
      return m && (!attached || new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)) < cutoff);
    });
    if (candidates.length > 0 && options.seal) await options.seal();
    const out: ArchivedPartition[] = [];
    // A detached leftover is finished whatever its month; an attached partition only when old enough.
    for (const { name, attached } of candidates) {
      if (options.seal) {
        const unsealed = await client.query(`SELECT count(*)::int AS n FROM ${ident(name)} p WHERE NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.chain = $1 AND s.event_id = p.id)`, [log]);
        if (unsealed.rows[0].n > 0) throw new Error(`${name} has ${unsealed.rows[0].n} rows not sealed yet: archived on a later round`);
      }
      if (attached) await client.query(`ALTER TABLE ${ident(log)} DETACH PARTITION ${ident(name)}`);
      out.push(await dumpAndDrop(client, log, name, options.dir));
    }
    return out;
  });
  return archived ?? [];
}

async function dumpAndDrop(client: PoolClient, log: Chain, table: string, dir: string): Promise<ArchivedPartition> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${table}.csv.gz`);
  const partial = `${file}.partial`;
  const { rows } = await client.query(`SELECT count(*)::bigint AS n FROM ${ident(table)}`);
  const expected = Number(rows[0].n);
  const copy = client.query(copyTo(`COPY (SELECT * FROM ${ident(table)} ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)`));
  await pipeline(copy, createGzip(), createWriteStream(partial));
  if (copy.rowCount !== expected) throw new Error(`archive of ${table} has ${copy.rowCount} rows, the table ${expected}: table kept`);
  const handle = await open(partial, 'r');
  await handle.sync();
  await handle.close();
  await rename(partial, file);
  await writeFile(manifestPath(file), JSON.stringify(await chainManifest(client, log, table, expected), null, 2) + '\n');
  // Recorded before the drop: time travel refuses moments before the month's last event, and
  // evidence exports read the month back from this file (server/audit/archives.sql.ts).
  await client.query(
    `INSERT INTO audit_archive (chain, partition, rows, first_occurred_at, last_occurred_at, file)
     SELECT $1, $2, $3, min(occurred_at), max(occurred_at), $4 FROM ${ident(table)}
     ON CONFLICT (chain, partition) DO UPDATE SET rows = EXCLUDED.rows, first_occurred_at = EXCLUDED.first_occurred_at,
       last_occurred_at = EXCLUDED.last_occurred_at, file = EXCLUDED.file, archived_at = now()`,
    [log, table, expected, path.basename(file)],
  );
  await client.query(`DROP TABLE ${ident(table)}`);
  return { partition: table, rows: expected, file };
}

/** Where an archived month's rows sit in their chain: its first and last seal. */
async function chainManifest(client: PoolClient, log: Chain, table: string, rows: number): Promise<ArchiveManifest> {
  const seal = async (dir: 'ASC' | 'DESC') => {
    const { rows: r } = await client.query(
      `SELECT s.seq::text AS seq, s.event_id::text AS event_id, s.hash FROM audit_seal s
        WHERE s.chain = $1 AND s.event_id IN (SELECT id FROM ${ident(table)}) ORDER BY s.seq ${dir} LIMIT 1`,
      [log],
    );
    return r[0] ?? null;
  };
  return { chain: log, partition: table, rows, first: await seal('ASC'), last: await seal('DESC') };
}

interface AuditMaintenanceOptions {
  ahead: number;
  /** Months kept in the log besides the current one; null keeps every month. */
  keepMonths: number | null;
  archiveDir: string;
  everyMs: number;
  warn: (line: string) => void;
  /**
   * Run after each retention pass: what was kept only so that archived events could be undone (a
   * deleted document's bytes) can go. Answers a line to log, or null when there was nothing to do.
   */
  afterRetention?: () => Promise<string | null>;
  /** Seals committed rows before a month is archived (AuditSealer.catchUp). */
  seal?: () => Promise<unknown>;
}

/**
 * The server's audit-log upkeep: partitions created ahead at start and then periodically, old
 * months archived when a retention is set. Every replica runs it; the advisory lock makes them
 * take turns. Failures are logged and retried on the next round, never fatal to the server.
 */
export class AuditMaintenance {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly pool: Pool, private readonly options: AuditMaintenanceOptions) {}

  async start(): Promise<void> {
    await this.round();
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.round());
    }, this.options.everyMs);
    this.timer.unref();
  }

  async round(): Promise<void> {
    try {
      await ensureAuditPartitions(this.pool, { ahead: this.options.ahead, warn: this.options.warn });
      await ensureLogPartitions(this.pool, 'access_log', { ahead: this.options.ahead, warn: this.options.warn });
      if (this.options.keepMonths !== null) {
        for (const log of ['audit_log', 'access_log'] as const) {
          for (const a of await archiveOldPartitions(this.pool, log, { keepMonths: this.options.keepMonths, dir: this.options.archiveDir, seal: this.options.seal })) {
            this.options.warn(`${log}: archived ${a.partition} (${a.rows} rows) to ${a.file}`);
          }
        }
        const done = await this.options.afterRetention?.();
        if (done) this.options.warn(done);
      }
    } catch (error) {
      this.options.warn(`audit_log maintenance failed (retried next round): ${(error as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
