import pg from 'pg';
import type { ResourceMeta } from '../../server/engine/metadata/resource-meta.js';

/**
 * Grows a copy of the seeded test database to production size, so that the planner chooses as it
 * would there: every row of the tables that grow with use is copied `factor` times (the template's
 * 600 claims become a million at 1,667), keeping the seed's distributions (statuses, districts,
 * dates, the twelve practitioners' shares). Copy k shifts ids by k times the table's largest id,
 * suffixes unique text (`CLM-00000001~k`, an SSID) and shifts references to copied tables alike,
 * so every copied claim still names a copied student. Triggers (audit, foreign keys) are off while
 * copying (session_replication_role = replica), and the indexes are dropped first and rebuilt
 * after, as a bulk load does; then ANALYZE. The trigram indexes too: the searches (`q`, the search
 * box) are planned here at size (identifiers use btrees now, so only names' trigrams remain).
 */
export interface GrowPlan {
  /** table -> copies of each row (1 = as seeded). */
  factors: Record<string, number>;
  /** Audit events are spread this many days apart per copy, over monthly partitions. */
  auditDaysPerCopy: number;
}

type Client = pg.Client | pg.PoolClient;

async function maxId(db: Client, table: string): Promise<number> {
  return Number((await db.query(`SELECT coalesce(max(id), 0)::bigint AS n FROM "${table}"`)).rows[0].n);
}

/** Unique constraints' text columns of a table (those get the copy's suffix). */
async function uniqueTextColumns(db: Client, table: string): Promise<Set<string>> {
  const { rows } = await db.query(
    `SELECT a.attname FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
      WHERE c.conrelid = $1::regclass AND c.contype = 'u' AND a.atttypid = 'text'::regtype`,
    [table],
  );
  return new Set(rows.map((r) => r.attname as string));
}

export async function growDatabase(db: Client, resources: Map<string, ResourceMeta>, plan: GrowPlan): Promise<void> {
  const tables = Object.keys(plan.factors);
  const max = new Map<string, number>();
  for (const t of tables) max.set(t, await maxId(db, t));
  await db.query(`SET session_replication_role = replica; SET maintenance_work_mem = '256MB'`);
  // Indexes that back no constraint: dropped, rebuilt after the copy (but trigram ones).
  const { rows: indexes } = await db.query(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def, am.amname
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
      WHERE i.indrelid = ANY($1::regclass[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
    [tables],
  );
  for (const ix of indexes) await db.query(`DROP INDEX ${ix.name}`);
  if (plan.factors.audit_log > 1) {
    const [{ first }] = (await db.query(`SELECT min(occurred_at) AS first FROM audit_log`)).rows;
    const days = plan.factors.audit_log * plan.auditDaysPerCopy;
    for (let d = 0; d <= days + 31; d += 28) {
      await db.query(`SELECT audit_log_create_partition(($1::timestamptz - make_interval(days => $2))::date)`, [first, d]);
    }
  }
  for (const table of tables) {
    const copies = plan.factors[table];
    if (copies <= 1) continue;
    const { rows: cols } = await db.query(
      `SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
      [table],
    );
    const uniqueText = await uniqueTextColumns(db, table);
    const resource = resources.get(table);
    const expr = (col: string): string => {
      const q = `"${col}"`;
      if (col === 'id') return `${q} + k * ${max.get(table)}`;
      const ref = resource?.field.get(col)?.reference;
      if (ref && max.has(ref.resource) && (plan.factors[ref.resource] ?? 1) >= copies) {
        return ref.field === 'id' ? `${q} + k * ${max.get(ref.resource)}` : `${q} || '~' || k`;
      }
      if (uniqueText.has(col)) return `${q} || '~' || k`;
      // Rows that point at another row by name (documents, audit events) point at its copy.
      if (table === 'file_metadata' && col === 'entity_id') return `CASE WHEN entity_table = 'student' THEN ${q} + k * ${max.get('student') ?? 0} ELSE ${q} END`;
      if (table === 'audit_log' && col === 'record_pk') {
        const shifted = tables.filter((t) => t !== 'audit_log').map((t) => `WHEN '${t}' THEN jsonb_build_object('id', (${q}->>'id')::bigint + k * ${max.get(t)})`);
        return `CASE table_name ${shifted.join(' ')} ELSE ${q} END`;
      }
      if (table === 'audit_log' && col === 'occurred_at') return `${q} - make_interval(days => (k * ${plan.auditDaysPerCopy})::int)`;
      if (table === 'audit_log' && col === 'txid') return `${q} + k * 1000000000`;
      return q;
    };
    const names = cols.map((c) => `"${c.attname}"`).join(', ');
    await db.query(`INSERT INTO "${table}" (${names}) SELECT ${cols.map((c) => expr(c.attname)).join(', ')} FROM "${table}" t, generate_series(1::bigint, ${copies - 1}) AS k WHERE t.id <= ${max.get(table)}`);
    if (table !== 'audit_log') await db.query(`SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), ${max.get(table)! * copies})`);
  }
  for (const ix of indexes) await db.query(ix.def.replace(' ON ONLY ', ' ON '));
  await db.query(`RESET session_replication_role`);
  await db.query(`VACUUM ANALYZE`);
}
