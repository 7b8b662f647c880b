import type { QueryConfig } from 'pg';
import type { Reader } from '../../db/read-router.js';
import type { ResourceReader } from './resource-reader.js';

type Row = Record<string, unknown>;

/**
 * A named query run with its generic plan, planned once per connection and then only executed.
 * PostgreSQL takes a named statement's generic plan only when it looks no dearer than a custom
 * one; with LIMIT and OFFSET as parameters it assumes a tenth of the rows are wanted, so for a
 * page over the audit log's partitions it plans afresh every time (an as-of page of claims: 1.6-
 * 3.2 ms of planning, 0.8 ms of execution). For statements whose generic plan is known to serve a
 * page (test/api/list-plans.spec.ts EXPLAINs them generically), this asks for it: on the primary
 * over the pool whose sessions always take it, elsewhere (a replica) in a read-only transaction of
 * its own, so the setting ends with it.
 */
export async function queryGeneric(engine: ResourceReader, db: Reader, sql: { name: string; text: string }, values: unknown[]): Promise<Row[]> {
  if (db === engine.pool && engine.options.genericPool) return engine.query(engine.options.genericPool, sql, values);
  const client = await db.connect().catch((error: unknown) => {
    throw engine.translate(error);
  });
  let broken: unknown;
  try {
    await client.query('BEGIN READ ONLY; SET LOCAL plan_cache_mode = force_generic_plan');
    const { rows } = await client.query({ ...sql, values } as QueryConfig);
    await client.query('COMMIT');
    return rows;
  } catch (error) {
    broken = await client.query('ROLLBACK').then(() => undefined, (e: unknown) => e);
    throw engine.translate(error);
  } finally {
    client.release(broken as Error | undefined);
  }
}
