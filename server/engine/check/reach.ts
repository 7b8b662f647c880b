import type { Tx } from '../../db/unit-of-work.js';
import { AppError } from '../../errors/app-error.js';
import type { Caller } from '../caller.js';
import type { ResourceMeta } from '../metadata/resource-meta.js';
import { ident, Params } from '../plan/sql.js';
import { SYSTEM_TABLES as T } from '../../../contract/system-tables.js';

/**
 * The check stage of every write: before COMMIT, every row the transaction changed must have been
 * within the caller's write scope before the change and must be within it after. The audit trigger
 * has recorded every changed row under the transaction's txid (cascades, trigger side effects and
 * undo included), so this holds for any write path by construction, not route by route: a delete
 * whose ON DELETE CASCADE reaches another district's rows, or a revert that moves a row out of
 * the writer's reach, is rolled back whole.
 *
 * "Before" is judged on the database as it stood when the transaction began: the row's first image
 * in the log, with the scope's subqueries reading each changed table as it stood too (the current
 * rows that did not change, plus the first images of those that did). A practitioner deleting their
 * own group may delete its memberships, though the group they were reached through is gone by then.
 */

type Row = Record<string, unknown>;
type Query = (tx: Tx, sql: string | { name: string; text: string }, values: unknown[]) => Promise<Row[]>;

/**
 * This transaction's audit rows: `occurred_at` is the transaction's start, one partition. Where the
 * start is a parameter (the summary's `at`), the partition is chosen as the statement is planned:
 * `now()` is known only as it runs, so planning it considered every partition (0.36 against 0.09 ms).
 */
const txEvents = (start = 'now()') => `${T.auditLog} WHERE txid = txid_current() AND occurred_at = ${start}`;

/**
 * Which records of which tables this transaction changed, and the transaction's start (as text, to
 * the microsecond). Prepared once per connection: without parameters it keeps its generic plan,
 * whose partitions are pruned as it starts instead of all being planned on every write.
 */
const SUMMARY = { name: 'reach-summary', text: `SELECT table_name, array_agg(DISTINCT (record_pk->>'id')::bigint) AS ids, now()::text AS at FROM ${txEvents()} GROUP BY table_name` };

/** The first event of each record of `table` in this transaction, with the image it started from. */
function firstImages(table: string, params: Params, start: string): string {
  return `(SELECT DISTINCT ON (record_pk) action, old_data FROM ${txEvents(start)} AND table_name = ${params.add(table, 'text')} ORDER BY record_pk, id)`;
}

/** `table` as it stood before this transaction, under its own name. */
function tableBefore(table: string, changedIds: number[], params: Params, start: string): string {
  const t = ident(table);
  return `(SELECT * FROM ${t} WHERE id <> ALL(${params.add(changedIds, 'bigint[]')})
    UNION ALL SELECT (jsonb_populate_record(NULL::${t}, f.old_data)).* FROM ${firstImages(table, params, start)} f WHERE f.action <> 'INSERT') AS ${t}`;
}


/** Resources this caller may change only some rows of (and whose changes the trigger records). */
function scopedResources(resources: Map<string, ResourceMeta>, caller: Caller): ResourceMeta[] {
  return [...resources.values()].filter((r) => !r.options.recordImages && r.options.audited !== false && caller.scope(r, new Params(), 'write') !== null);
}

export async function checkReach(query: Query, tx: Tx, resources: Map<string, ResourceMeta>, caller: Caller): Promise<void> {
  const scoped = scopedResources(resources, caller);
  if (scoped.length === 0) return; // this caller may change every row it may write at all
  const summary = await query(tx, SUMMARY, []);
  if (summary.length === 0) return;
  const changed = new Map(summary.map((r) => [String(r.table_name), (r.ids as string[]).map(Number)]));
  const params = new Params();
  const start = params.add(String(summary[0].at), 'timestamptz');
  const checks: string[] = [];
  for (const resource of scoped) {
    const ids = changed.get(resource.name);
    if (!ids) continue;
    const t = ident(resource.name);
    const name = params.add(resource.name, 'text');
    const after = caller.scope(resource, params, 'write')!;
    checks.push(`(SELECT ${name} AS t, 'after' AS side FROM ${t} WHERE id = ANY(${params.add(ids, 'bigint[]')}) AND NOT COALESCE((${after}), false) LIMIT 1)`);
    // The scope's subqueries read each changed table as it stood.
    const asItStood = (table: string) => (changed.has(table) ? tableBefore(table, changed.get(table)!, params, start) : ident(table));
    const before = caller.scope(resource, params, 'write', asItStood)!;
    checks.push(
      `(SELECT ${name} AS t, 'before' AS side FROM (SELECT (jsonb_populate_record(NULL::${t}, f.old_data)).* FROM ${firstImages(resource.name, params, start)} f WHERE f.action <> 'INSERT') AS ${t} WHERE NOT COALESCE((${before}), false) LIMIT 1)`,
    );
  }
  if (checks.length === 0) return;
  const [outside] = await query(tx, checks.join(' UNION ALL ') + ' LIMIT 1', params.values);
  if (!outside) return;
  const label = resources.get(String(outside.t))!.label.toLowerCase();
  // The same refusal as a direct edit of such a row, naming no row the caller cannot see.
  throw new AppError(
    'FORBIDDEN',
    outside.side === 'before'
      ? `This would also change ${label} outside what you may reach; nothing was changed`
      : `This change would move ${label} outside what you may reach; nothing was changed`,
  );
}
