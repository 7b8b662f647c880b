import type { MikroORM } from '@mikro-orm/postgresql';
import type { Pool, PoolClient, QueryConfig, QueryResult } from 'pg';
import type { Tx } from './unit-of-work.js';

/** What a list or show read needs: a query, and a connection for a cursor (exports). */
export interface Reader {
  query(sql: string | QueryConfig, values?: unknown[]): Promise<QueryResult>;
  connect(): Promise<PoolClient>;
}

/** Errors that say "this server cannot answer now", not "this query is wrong". */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN', 'EPIPE',
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006',
  // A standby cancels a read that conflicts with replay; the primary has no such conflict.
  '40001',
]);

function unavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return UNAVAILABLE_CODES.has(e?.code ?? '') || /Connection terminated|timeout exceeded when trying to connect/i.test(e?.message ?? '');
}

/** A replica that failed is left alone this long before reads try it again. */
const RETRY_DOWN_REPLICA_MS = 5_000;

/**
 * Where reads go. With DATABASE_REPLICA_URLS set, MikroORM holds a pool per replica (its `replicas`
 * option) and picks one per read (`getConnection('read')`); list and show reads go there. Writes,
 * reverts and everything inside a transaction stay on the primary, and so do the reads of a user
 * who wrote within the read-your-writes window (noted in `recent_write` by the write itself, and
 * seen by the per-request session check on the primary, so it holds whichever app replica serves
 * the next request). A replica that cannot answer is skipped for a few seconds and the read is
 * answered by the primary instead.
 */
export class ReadRouter {
  private readonly downUntil = new Map<Pool, number>();

  constructor(
    private readonly orm: MikroORM,
    readonly primary: Pool,
    readonly replicas: number,
    private readonly readYourWritesMs: number,
    private readonly warn: (line: string) => void = (line) => console.warn(line),
  ) {}

  /** The reader for a list or show read of a caller who did (or did not) write just now. */
  for(recentWriter: boolean | undefined): Reader {
    if (this.replicas === 0 || recentWriter) return this.primary;
    return { query: (sql, values) => this.query(sql, values), connect: () => this.connect() };
  }

  /** Called inside every write's transaction: this user's reads stay on the primary for a while. */
  async noteWrite(tx: Tx, userId: number | null): Promise<void> {
    if (this.replicas === 0 || userId === null) return;
    await tx.query({
      name: 'note-write',
      text: `INSERT INTO recent_write (user_id, until) VALUES ($1, now() + $2 * interval '1 millisecond')
             ON CONFLICT (user_id) DO UPDATE SET until = EXCLUDED.until`,
      values: [userId, this.readYourWritesMs],
    });
  }

  /** A replica picked by MikroORM, unless it failed a moment ago. */
  private async replica(): Promise<Pool | null> {
    const pool = (await this.orm.em.getDriver().getConnection('read').getNativeClient()) as Pool;
    if (pool === this.primary) return null;
    if ((this.downUntil.get(pool) ?? 0) > Date.now()) return null;
    return pool;
  }

  private failed(pool: Pool, error: unknown): void {
    if ((error as { code?: string }).code === '40001') return; // the replica is up, only this read conflicted
    if (!this.downUntil.has(pool) || this.downUntil.get(pool)! <= Date.now()) {
      this.warn(`read replica unavailable (${(error as Error).message}); reading from the primary`);
    }
    this.downUntil.set(pool, Date.now() + RETRY_DOWN_REPLICA_MS);
  }

  private async query(sql: string | QueryConfig, values?: unknown[]): Promise<QueryResult> {
    const pool = await this.replica();
    if (pool) {
      try {
        return await pool.query(sql as string, values);
      } catch (error) {
        if (!unavailable(error)) throw error;
        this.failed(pool, error);
      }
    }
    return this.primary.query(sql as string, values);
  }

  private async connect(): Promise<PoolClient> {
    const pool = await this.replica();
    if (pool) {
      try {
        return await pool.connect();
      } catch (error) {
        if (!unavailable(error)) throw error;
        this.failed(pool, error);
      }
    }
    return this.primary.connect();
  }
}
