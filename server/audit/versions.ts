import type { Caller } from '../engine/caller.js';
import type { ResourceEngine } from '../engine/execute.js';
import { canonical } from '../engine/values/equality.js';
import type { FieldMeta, ResourceMeta } from '../engine/metadata/resource-meta.js';
import { serializeValue } from '../engine/types/column-types.js';
import { ident } from '../engine/plan/sql.js';
import { AppError, notFound } from '../errors/app-error.js';
import { assertReaches } from './as-of.query.js';
import { assertEventNotArchived } from './archive-horizon.js';
import { AUDIT_COLUMNS, AUDIT_FROM, recordHistory, type AuditRow } from './history.query.js';
import type { AuditEvent, Comparison, Side, Version, VersionLink } from '../../contract/audit.js';

/** A record's versions, newest first: every event with who, when, reason and change set. */
export async function listVersions(engine: ResourceEngine, resource: ResourceMeta, id: number, caller: Caller): Promise<Version[]> {
  const events = await recordHistory(engine, resource, id, caller);
  return events.map((e) => ({ ...e, as_of: e.occurred_at, exists: e.action !== 'DELETE' }));
}

function linkTo(resource: ResourceMeta, id: number, e: AuditEvent): VersionLink {
  const base = `/api/${resource.name}/${id}`;
  const gone = e.action === 'DELETE';
  return { as_of: gone ? null : e.occurred_at, record: gone ? null : `${base}?as_of=${encodeURIComponent(e.occurred_at)}`, compare: `${base}/compare?from=${e.id}&to=current` };
}

/** A record's history (its shape unchanged), each event with a link to the version it produced. */
export async function historyWithVersions(engine: ResourceEngine, resource: ResourceMeta, id: number, caller: Caller): Promise<(AuditEvent & { version: VersionLink })[]> {
  const events = await recordHistory(engine, resource, id, caller);
  return events.map((e) => ({ ...e, version: linkTo(resource, id, e) }));
}

/** The event of this record (404 when the id names no event of it), as stored. */
export async function eventOf(engine: ResourceEngine, resource: ResourceMeta, id: number, raw: unknown, name: string): Promise<AuditRow> {
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) throw new AppError('BAD_REQUEST', `"${name}" must be an event id from /versions${name === 'to' ? ', or current' : ''}`, { [name]: 'an event id' });
  const [row] = (await engine.query(
    engine.pool,
    `SELECT ${AUDIT_COLUMNS} FROM ${AUDIT_FROM} WHERE a.id = $1 AND a.table_name = $2 AND a.record_pk = jsonb_build_object('id', $3::bigint)`,
    [Number(raw), resource.name, id],
  )) as unknown as AuditRow[];
  if (!row) {
    await assertEventNotArchived(engine, Number(raw));
    throw notFound(`Event ${raw} is not an event of ${resource.singular.toLowerCase()} ${id}`);
  }
  return row;
}

/** A stored image (or the current row) as the caller may see it, in getOne's shape. */
async function presented(engine: ResourceEngine, resource: ResourceMeta, image: Record<string, unknown> | null, caller: Caller): Promise<Record<string, unknown> | null> {
  if (!image) return null;
  const table = ident(resource.name);
  const [row] = await engine.query(engine.pool, `SELECT * FROM jsonb_populate_record(NULL::${table}, $1::jsonb) AS ${table}`, [JSON.stringify(image)]);
  return engine.present(resource, row, caller);
}

/** Two versions field by field: `to` may be `current` (the record as it stands). */
export async function compareVersions(engine: ResourceEngine, resource: ResourceMeta, id: number, fromRaw: unknown, toRaw: unknown, caller: Caller): Promise<Comparison> {
  await assertReaches(engine, resource, id, caller);
  const side = async (raw: unknown, name: string): Promise<Side> => {
    if (name === 'to' && (raw === 'current' || raw === undefined)) {
      const [row] = await engine.query(engine.pool, `SELECT to_jsonb(t) AS j FROM ${ident(resource.name)} t WHERE id = $1`, [id]);
      return { event: null, occurred_at: null, user_name: null, reason: null, record: await presented(engine, resource, (row?.j as Record<string, unknown>) ?? null, caller) };
    }
    const event = await eventOf(engine, resource, id, raw, name);
    return {
      event: Number(event.id),
      occurred_at: serializeValue({ type: 'timestamp' } as FieldMeta, event.occurred_at) as string,
      user_name: event.user_name ?? null,
      reason: event.reason,
      record: await presented(engine, resource, event.action === 'DELETE' ? null : event.changed_data, caller),
    };
  };
  const from = await side(fromRaw, 'from');
  const to = await side(toRaw, 'to');
  const fields = resource.fields.filter((f) => caller.sees(resource, f)).map((f) => f.name);
  const changes = fields
    .filter((f) => canonical(from.record?.[f] ?? null) !== canonical(to.record?.[f] ?? null))
    .map((f) => ({ field: f, from: from.record?.[f] ?? null, to: to.record?.[f] ?? null }));
  return { from, to, changes, fields };
}
