import type { Pool, PoolClient } from 'pg';
import { Params, statementName } from '../engine/plan/sql.js';

/** Who is writing and why: copied into every audit row the transaction produces. */
interface Actor {
  userId: number | null;
  reason?: string | null;
  /** Rides in the statement that names the actor, before `work`: the request's session check. */
  alongside?: SettingsAlongside;
}

/** CTEs before the statement that names the actor, columns after its settings, and what is done with its row (a throw rolls back). */
export type SettingsAlongside = (params: Params) => { before?: string; output?: string; seen?: (row: Record<string, unknown> | undefined) => Promise<void> };

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
    const params = new Params();
    const settings = `set_config('app.user_id', ${params.add(actor.userId === null ? '' : String(actor.userId), 'text')}, true), set_config('app.change_reason', ${params.add(actor.reason ?? '', 'text')}, true)`;
    const alongside = actor.alongside?.(params);
    const text = `${alongside?.before ? `WITH ${alongside.before} ` : ''}SELECT ${settings}${alongside?.output ? `, ${alongside.output}` : ''}`;
    // Prepared once per connection, named by its text (a few: with the session check or without).
    const { rows } = await client.query({ name: `uow:${statementName(text)}`, text, values: params.values });
    await alongside?.seen?.(rows[0]);
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
