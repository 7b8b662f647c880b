import type { Pool, PoolClient } from 'pg';

/** Who is writing and why: copied into every audit row the transaction produces. */
interface Actor {
  userId: number | null;
  reason?: string | null;
}

export type Tx = PoolClient;

/**
 * The one path every write of the product takes: a transaction whose first statement tells the
 * audit trigger who is acting. The settings are transaction-local (`set_config(..., true)`), so a
 * pooled connection never carries one request's user into the next, and a write and its audit rows
 * commit together or not at all.
 */
export async function inUnitOfWork<T>(pool: Pool, actor: Actor, work: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: unknown;
  try {
    await client.query('BEGIN');
    await client.query("SELECT set_config('app.user_id', $1, true), set_config('app.change_reason', $2, true)", [
      actor.userId === null ? '' : String(actor.userId),
      actor.reason ?? '',
    ]);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    // A connection that could not even roll back is not returned to the pool.
    client.release(broken instanceof Error ? broken : undefined);
  }
}
