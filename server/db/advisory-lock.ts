import type { Pool, PoolClient } from 'pg';

/** Keys of the session advisory locks replicas use to take turns at shared work. */
export const LOCKS = {
  /** Migrations and the first-run seed: replicas starting together on one database. */
  startup: 7_412_026_01,
  /** audit_log partitions and retention. */
  auditMaintenance: 7_412_026_11,
  /** Sealing audit_log and access_log rows into their hash chains (one sealer at a time). */
  auditSeal: 7_412_026_21,
} as const;

/**
 * Runs `work` on a connection holding the advisory lock `key`. With `wait`, queues behind whoever
 * holds it; without, answers null at once when another replica holds it (it is doing the same work).
 */
export async function withAdvisoryLock<T>(pool: Pool, key: number, wait: boolean, work: (client: PoolClient) => Promise<T>): Promise<T | null> {
  const client = await pool.connect();
  try {
    if (wait) await client.query('SELECT pg_advisory_lock($1)', [key]);
    else if (!(await client.query('SELECT pg_try_advisory_lock($1) AS got', [key])).rows[0].got) return null;
    try {
      return await work(client);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [key]);
    }
  } finally {
    client.release();
  }
}
