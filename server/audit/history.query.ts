import type { ResourceEngine } from '../engine/execute.js';
import { canonical } from '../engine/values/equality.js';
import { stampedOnUpdate } from '../engine/metadata/stamps.js';
import type { Caller, ScopePurpose } from '../engine/caller.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import { serializeValue } from '../engine/types/column-types.js';
import { notFound } from '../errors/app-error.js';
import { ident, Params } from '../engine/plan/sql.js';
import { visibleFilters } from '../engine/filter/visible-filter.js';
import type { AuditEvent, FieldChange } from '../../contract/audit.js';

export interface AuditRow {
  id: string | number;
  table_name: string;
  record_pk: { id?: number } | null;
  action: 'INSERT' | 'UPDATE' | 'DELETE';
  changed_data: Record<string, unknown> | null;
  old_data: Record<string, unknown> | null;
  user_id: number | null;
  user_name?: string | null;
  occurred_at: string;
  txid: string | null;
  reason: string | null;
  undone_event?: string | null;
  undone_change_set?: string | null;
}

export const AUDIT_COLUMNS = `a.id, a.table_name, a.record_pk, a.action, a.changed_data, a.old_data, a.user_id,
  a.occurred_at, a.txid, a.reason, nullif(concat_ws(' ', u.first_name, u.last_name), '') AS user_name, r.undone_event, r.undone_change_set`;
// An undo's events name what it undid (audit_undo: one row per undo, by its transaction).
export const AUDIT_FROM = `audit_log a LEFT JOIN app_user u ON u.id = a.user_id LEFT JOIN audit_undo r ON r.undo_txid = a.txid`;

/** The per-field delta of one audit row, limited to what the caller may see. */
export function diff(resource: ResourceMeta | undefined, row: AuditRow, caller: Caller, resources: Map<string, ResourceMeta>): FieldChange[] {
  const before = visibleFilters(resources, resource, row.old_data ?? {}, caller);
  const after = visibleFilters(resources, resource, row.changed_data ?? {}, caller);
  const changes: FieldChange[] = [];
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  // In the resource's own field order; the stamps every update sets are the event's who/when, not a change.
  const ordered = resource ? resource.fields.map((f) => f.name).filter((n) => names.has(n)) : [...names];
  for (const name of ordered) {
    if (row.action === 'UPDATE' && stampedOnUpdate(resource, name)) continue;
    const field = resource?.field.get(name);
    if (resource && (!field || !caller.sees(resource, field))) continue;
    const b = name in before ? before[name] : null;
    const a = name in after ? after[name] : null;
    if (row.action === 'UPDATE' && canonical(a) === canonical(b)) continue;
    if (row.action !== 'UPDATE' && (row.action === 'INSERT' ? a : b) === null) continue;
    changes.push({
      field: name,
      before: row.action === 'INSERT' ? null : field ? serializeValue(field, b) : b,
      after: row.action === 'DELETE' ? null : field ? serializeValue(field, a) : a,
    });
  }
  return changes;
}

function toEvent(engine: ResourceEngine, row: AuditRow, caller: Caller): AuditEvent {
  return {
    id: Number(row.id),
    resource: row.table_name,
    record_id: row.record_pk?.id ?? null,
    action: row.action,
    user_id: row.user_id,
    user_name: row.user_name ?? null,
    occurred_at: serializeValue({ type: 'timestamp' } as never, row.occurred_at) as string,
    change_set: row.txid === null ? null : Number(row.txid),
    reason: row.reason,
    undoes: row.undone_event || row.undone_change_set ? { event: row.undone_event ? Number(row.undone_event) : null, change_set: row.undone_change_set ? Number(row.undone_change_set) : null } : null,
    changes: diff(engine.resources.get(row.table_name), row, caller, engine.resources),
  };
}

/**
 * A record's events, newest first. Served after the record is deleted (the log outlives it); the
 * caller's row scope is applied to the record as it stands, or, once deleted, as it last stood.
 */
export async function recordHistory(engine: ResourceEngine, resource: ResourceMeta, id: number, caller: Caller): Promise<AuditEvent[]> {
  const rows = (await engine.query(
    engine.reader(caller),
    {
      // Named: planned once per connection (the most frequent audit query).
      name: 'record-history',
      text: `SELECT ${AUDIT_COLUMNS} FROM ${AUDIT_FROM} WHERE a.table_name = $1 AND a.record_pk = jsonb_build_object('id', $2::bigint) ORDER BY a.id DESC LIMIT 1000`,
    },
    [resource.name, id],
  )) as unknown as AuditRow[];
  if (rows.length === 0) {
    await engine.getOne(resource, id, caller); // 404 when it does not exist (or is out of scope)
    return [];
  }
  await assertReachable(engine, resource, id, rows[0].changed_data ?? rows[0].old_data, caller);
  return rows.map((r) => toEvent(engine, r, caller));
}

/**
 * The record must be in the caller's scope as it stands; once deleted, as the given image of it
 * (the event's) stood. Anything else is a 404, as if it did not exist.
 */
export async function assertReachable(engine: ResourceEngine, resource: ResourceMeta, id: number, image: Record<string, unknown> | null, caller: Caller, purpose: ScopePurpose = 'read'): Promise<void> {
  if (caller.scope(resource, new Params(), purpose) === null) return; // every row of this resource is reachable
  const table = ident(resource.name);
  const exists = (await engine.query(engine.pool, `SELECT 1 FROM ${table} WHERE id = $1`, [id])).length > 0;
  // A row that exists is judged as stored; a deleted one by its last image in the log.
  const params = new Params();
  const subject = exists ? `(SELECT * FROM ${table} WHERE id = ${params.add(id)})` : `jsonb_populate_record(NULL::${table}, ${params.add(JSON.stringify(image ?? {}), 'jsonb')})`;
  const scope = caller.scope(resource, params, purpose);
  if (!scope) return;
  const rows = await engine.query(engine.pool, `SELECT 1 FROM ${subject} AS ${table} WHERE ${scope}`, params.values);
  if (rows.length === 0) throw notFound(`${resource.singular} ${id} not found`);
}
