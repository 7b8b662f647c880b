import type { Tx } from '../db/unit-of-work.js';
import { ident } from '../engine/plan/sql.js';

const BATCH = 2000;

/**
 * Bulk insert through `jsonb_populate_recordset`: PostgreSQL converts every value to its column's
 * type, so one generic statement serves every table. Rows that collide with an existing key are
 * skipped, which is what makes the seed idempotent.
 */
export async function insertRows(tx: Tx, table: string, rows: Record<string, unknown>[]): Promise<number> {
  if (rows.length === 0) return 0;
  const names = Object.keys(rows[0]);
  // Batch work is recorded as the acting (system) user, as the dictionary asks of batch scripts.
  const { rows: stamps } = await tx.query(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name IN ('created_by', 'updated_by')`,
    [table],
  );
  const stamped = stamps.map((r: { column_name: string }) => r.column_name).filter((c: string) => !names.includes(c));
  const columns = [...names, ...stamped].map(ident).join(', ');
  const values = [...names.map(ident), ...stamped.map(() => "nullif(current_setting('app.user_id', true), '')::integer")].join(', ');
  let inserted = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    const chunk = rows.slice(i, i + BATCH);
    const result = await tx.query(
      `INSERT INTO ${ident(table)} (${columns}) SELECT ${values} FROM jsonb_populate_recordset(NULL::${ident(table)}, $1::jsonb) ON CONFLICT DO NOTHING`,
      [JSON.stringify(chunk)],
    );
    inserted += result.rowCount ?? 0;
  }
  return inserted;
}

/** After inserting explicit ids, move the sequence past them so later inserts do not collide. */
export async function syncSequence(tx: Tx, table: string): Promise<void> {
  await tx.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), GREATEST((SELECT max(id) FROM ${ident(table)}), 1))`, [table]);
}
