import type { Database } from '../db/database.js';
import { resourceOptions } from '../schema/resource.js';
import { attachAuditTriggerSql, AUDIT_TRIGGER_NAME, UNAUDITED_TABLES } from './audit-trigger.sql.js';

/** Every audited entity table with the columns its trigger masks. */
export function auditedTables(db: Database): { table: string; masked: string[]; quiet: string[] }[] {
  const out: { table: string; masked: string[]; quiet: string[] }[] = [];
  for (const meta of db.orm.getMetadata().getAll().values()) {
    if (meta.embeddable || meta.virtual || !meta.class || UNAUDITED_TABLES.has(meta.tableName)) continue;
    const options = resourceOptions(meta.class);
    if (options.audited === false) continue;
    out.push({ table: meta.tableName, masked: options.secret ?? [], quiet: options.quietChanges ?? [] });
  }
  return out;
}

/**
 * Safety net after migrations: an entity table that exists without the audit trigger gets it
 * attached, so a table whose migration forgot `attachAuditTriggerSql` is still audited.
 */
export async function ensureAuditTriggers(db: Database): Promise<string[]> {
  const attached: string[] = [];
  const { rows } = await db.pool.query<{ table: string; has: boolean }>(
    `SELECT c.relname AS table,
            EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = $1) AS has
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')`,
    [AUDIT_TRIGGER_NAME],
  );
  const state = new Map(rows.map((r: { table: string; has: boolean }) => [r.table, r.has]));
  for (const { table, masked, quiet } of auditedTables(db)) {
    if (state.get(table) === false) {
      await db.pool.query(attachAuditTriggerSql(table, masked, quiet));
      attached.push(table);
    }
  }
  return attached;
}
