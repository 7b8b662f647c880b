import type { Pool } from 'pg';

/** Per table, the columns of each btree index that can order a list (leading plain columns, no partial index). */
export type SortIndexes = Map<string, string[][]>;

/**
 * The btree indexes of the public tables as the database holds them (declared on the entities or
 * written in migrations alike), read once at boot: which sorts an index can serve
 * (plan/plan-list.ts, `sortServed`). An index's columns stop at its first expression, and its
 * included (non-key) columns do not order it.
 */
export async function loadSortIndexes(pool: Pool): Promise<SortIndexes> {
  const { rows } = await pool.query<{ table: string; columns: string[] }>(
    `SELECT t.relname AS table, array(
         SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
           JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
          WHERE k.n <= i.indnkeyatts AND NOT EXISTS (SELECT 1 FROM unnest(i.indkey) WITH ORDINALITY AS e(attnum, n) WHERE e.attnum = 0 AND e.n <= k.n)
          ORDER BY k.n)::text[] AS columns
       FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
      WHERE am.amname = 'btree' AND i.indpred IS NULL AND t.relnamespace = 'public'::regnamespace AND NOT t.relispartition`,
  );
  const out: SortIndexes = new Map();
  for (const r of rows) if (r.columns.length > 0) out.set(r.table, [...(out.get(r.table) ?? []), r.columns]);
  return out;
}
