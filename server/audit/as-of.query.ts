import type { Caller } from '../engine/caller.js';
import type { ResourceEngine } from '../engine/execute.js';
import { assertNamedFiltersUsable, filterToWhere } from '../engine/filter/filter-to-where.js';
import type { FieldMeta, ResourceMeta } from '../engine/metadata/resource-meta.js';
import { MAX_PAGE, type ListQuery } from '../engine/params/parse-simple-rest.js';
import { orderBy } from '../engine/plan/plan-list.js';
import { ident, Params } from '../engine/plan/sql.js';
import { AppError, notFound } from '../errors/app-error.js';
import { UNAUDITED_TABLES } from './audit-trigger.sql.js';
import { assertReachable } from './history.query.js';
import { assertAnswerable } from './archive-horizon.js';

/**
 * Time travel, computed from the audit trail alone (no second copy of any table).
 *
 * The audit trigger stores every row's image before and after each change. A record's state at a
 * moment T is therefore:
 * - the image *before* its first event after T (`old_data` of that event; an INSERT after T means
 *   the record did not exist yet), or
 * - when nothing happened to it after T, the row as it stands now (absent now and untouched since:
 *   it was deleted by then).
 * Reading forwards from the first event after T (rather than backwards from the last one before T)
 * needs only the events after T, which for a recent moment are few, and it answers the same for a
 * record and for a list. Events are ordered by id: the sequence is taken under the row's lock, so it
 * is the order in which the row's changes happened; "after T" compares the event's occurred_at (its
 * transaction's start).
 *
 * What it cannot answer: a moment before the last event of an audit month archived under
 * retention (`AUDIT_RETENTION_MONTHS`): those events are no longer in the log, so such a moment is
 * refused (server/audit/archive-horizon.ts).
 */

/** A moment as a SQL expression (a date alone means the end of that day, as a `_lte` filter does). */
export interface Moment {
  /** As sent, for messages and links. */
  text: string;
  /** A date without a time. */
  dateOnly: boolean;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** `as_of` as sent: an ISO 8601 date or timestamp, else a 400 that changes nothing. */
export function parseMoment(raw: unknown): Moment {
  if (typeof raw !== 'string') throw new AppError('BAD_REQUEST', '"as_of" must be given once, as an ISO 8601 date or timestamp', { as_of: 'an ISO 8601 date or timestamp' });
  const m = ISO.exec(raw.trim());
  const bad = () => new AppError('BAD_REQUEST', `"as_of" must be an ISO 8601 date or timestamp (2026-07-01 or 2026-07-01T09:30:00Z), not "${raw.slice(0, 40)}"`, { as_of: 'an ISO 8601 date or timestamp' });
  if (!m) throw bad();
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1970 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) throw bad();
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59)) throw bad();
  return { text: raw.trim(), dateOnly: m[4] === undefined };
}

/**
 * The moment as a `timestamptz` parameter in a statement being assembled: a date alone is the last
 * microsecond of that day in the database's time zone (as a `_lte` filter on a date takes it). A
 * value, not an expression: the date's cast to a timestamptz depends on the session's time zone, so
 * the planner could not compare it with the audit log's monthly partitions, and planned every one
 * of them for each of a list's look-ups into the log (1.8 against 1.4 ms of planning per page of claims).
 */
export function momentSql(moment: Moment, params: Params): string {
  return params.add(moment.dateOnly ? `${moment.text} 23:59:59.999999` : moment.text, 'timestamptz');
}

/** Whether as-of reads this resource from the audit trail, from its own time field, or not at all. */
function kind(resource: ResourceMeta): 'audited' | 'append-only' {
  if (resource.options.appendOnlyAt) return 'append-only';
  if (UNAUDITED_TABLES.has(resource.name) || resource.options.audited === false) {
    throw new AppError('BAD_REQUEST', `${resource.label} keep no history: "as_of" is not available for them`);
  }
  return 'audited';
}

/**
 * The table as it stood at the moment, as a relation with the table's own columns (so filters and
 * scopes written on the table apply to it unchanged). Today's row scope applies to each record as it
 * stands now (or, once deleted, as it last stood): what history shows a caller, the versions they
 * browse, never more. `only` restricts it to one record (a getOne reads a handful of events).
 */
/** A record's last image in the log: where a deleted record's scope is read from. */
const lastImageSql = (name: string, rid: string) =>
  `(SELECT coalesce(l.changed_data, l.old_data) FROM audit_log l WHERE l.table_name = ${name} AND l.record_pk = jsonb_build_object('id', ${rid}) ORDER BY l.id DESC LIMIT 1)`;

/** A record deleted since is in the caller's scope as it last stood. */
const lastStoodInScope = (table: string, name: string, rid: string, scope: string) =>
  `EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::${table}, ${lastImageSql(name, rid)}) AS ${table} WHERE ${scope})`;

function tableAsOf(resource: ResourceMeta, moment: Moment, caller: Caller, params: Params, only?: number): string {
  const table = ident(resource.name);
  const at = momentSql(moment, params);
  if (kind(resource) === 'append-only') {
    const scope = caller.scope(resource, params, 'read');
    const where = [`${ident(resource.options.appendOnlyAt!)} <= ${at}`];
    if (only !== undefined) where.push(`"id" = ${params.add(only)}`);
    if (scope) where.push(`(${scope})`);
    return `(SELECT ${table}.* FROM ${table} WHERE ${where.join(' AND ')})`;
  }
  const name = params.add(resource.name, 'text');
  const record = only === undefined ? '' : ` AND a.record_pk = jsonb_build_object('id', ${params.add(only, 'bigint')})`;
  const one = only === undefined ? '' : ` AND ${table}."id" = ${params.add(only)}`;
  // The first event after the moment, per record: its image before is the record's state then.
  const changed = `SELECT DISTINCT ON (rid) rid, action, old_data FROM (
      SELECT (a.record_pk->>'id')::bigint AS rid, a.id, a.action, a.old_data FROM audit_log a
      WHERE a.table_name = ${name} AND a.occurred_at > ${at}${record}) e ORDER BY rid, id`;
  const scopeNow = caller.scope(resource, params, 'read');
  const untouched = `SELECT ${table}.* FROM ${table} WHERE NOT EXISTS (SELECT 1 FROM changed c WHERE c.rid = ${table}."id")${one}${scopeNow ? ` AND (${scopeNow})` : ''}`;
  let reach = '';
  const scopeStored = caller.scope(resource, params, 'read');
  if (scopeStored) {
    const scopeGone = caller.scope(resource, params, 'read')!;
    reach = ` AND (EXISTS (SELECT 1 FROM ${table} WHERE ${table}."id" = c.rid AND (${scopeStored}))
      OR (NOT EXISTS (SELECT 1 FROM ${table} x WHERE x."id" = c.rid) AND ${lastStoodInScope(table, name, 'c.rid', scopeGone)}))`;
  }
  const before = `SELECT r.* FROM changed c CROSS JOIN LATERAL jsonb_populate_record(NULL::${table}, c.old_data) AS r WHERE c.action <> 'INSERT'${reach}`;
  return `(WITH changed AS MATERIALIZED (${changed}) ${untouched} UNION ALL ${before})`;
}

/**
 * The same relation for a list sorted by id (the default, and "newest first"), shaped so that a page
 * costs a page plus one pass over the inserts and deletions since the moment, and nothing for the
 * edits since:
 * - **Born since**: the records whose first insert or deletion after the moment is an insert (a
 *   deletion first means the record existed and was put back later), read from the log's index of
 *   inserts and deletions alone (`audit_log_existence_index`), without the log's rows.
 * - **Existing**: each row that exists now and was not born since, read in id order from the
 *   table's primary key and mapped to its state then by one look-up of its first event after the
 *   moment (none: as it stands). The id never changes, so the order of the rows now is their order
 *   then, and a LIMIT stops after a page; the born ones are passed over by the set, not looked up.
 * - **Deleted since**: the records that existed then (a deletion before any insert since), were
 *   deleted since and are not back, each mapped by its first event after the moment.
 */
function tableAsOfById(resource: ResourceMeta, moment: Moment, caller: Caller, params: Params, page?: { where: (params: Params) => string[]; order: string; rows: number }): string {
  if (kind(resource) === 'append-only') return tableAsOf(resource, moment, caller, params);
  const table = ident(resource.name);
  const at = momentSql(moment, params);
  const name = params.add(resource.name, 'text');
  // One pass over the inserts and deletions since the moment: per record, the first of each.
  const existence = `SELECT (c.record_pk->>'id')::bigint AS rid, min(c.id) FILTER (WHERE c.action = 'INSERT') AS born, min(c.id) FILTER (WHERE c.action = 'DELETE') AS gone
    FROM audit_log c WHERE c.table_name = ${name} AND c.action IN ('INSERT', 'DELETE') AND c.occurred_at > ${at} GROUP BY 1`;
  const firstAfter = (rid: string) =>
    `(SELECT a.action, a.old_data FROM audit_log a WHERE a.table_name = ${name} AND a.record_pk = jsonb_build_object('id', ${rid}) AND a.occurred_at > ${at} ORDER BY a.id LIMIT 1)`;
  const scopeNow = caller.scope(resource, params, 'read');
  const columns = resource.fields.map((f) => (f.name === 'id' ? `t."id"` : `CASE WHEN e.action IS NULL THEN t.${ident(f.name)} ELSE r.${ident(f.name)} END AS ${ident(f.name)}`));
  // Scoped on the record as it stands now (the derived table keeps the scope's column names
  // unambiguous). The born are passed over by NOT IN, a hashed set each row is checked against as
  // the key yields it in order (an anti-join is planned as a merge, sorting the set first); born
  // has no NULL, so NOT IN is exact.
  const existing = `SELECT ${columns.join(', ')} FROM (SELECT * FROM ${table} WHERE "id" NOT IN (SELECT rid FROM born)${scopeNow ? ` AND (${scopeNow})` : ''}) AS t
    LEFT JOIN LATERAL ${firstAfter('t."id"')} e ON true
    LEFT JOIN LATERAL jsonb_populate_record(NULL::${table}, e.old_data) r ON true
    WHERE e.action IS DISTINCT FROM 'INSERT'`;
  const scopeGone = caller.scope(resource, params, 'read');
  // Existed then (deleted before any insert since), deleted since, and not put back. "Not back" is
  // a look-up by key per deleted record (OFFSET 0 keeps it one): as an anti-join, a plan that does
  // not know how many were deleted (a generic one) hashes them and reads the whole table against them.
  const deleted = `SELECT ${resource.fields.map((f) => `r.${ident(f.name)}`).join(', ')} FROM (SELECT x.rid FROM existence x WHERE x.gone < coalesce(x.born, x.gone + 1) AND NOT EXISTS (SELECT 1 FROM ${table} WHERE ${table}."id" = x.rid OFFSET 0)) g
    CROSS JOIN LATERAL ${firstAfter('g.rid')} e
    CROSS JOIN LATERAL jsonb_populate_record(NULL::${table}, e.old_data) r
    WHERE e.action <> 'INSERT'${scopeGone ? ` AND ${lastStoodInScope(table, name, 'g.rid', scopeGone)}` : ''}`;
  // Each side filtered, ordered by id and cut to the rows a page can need, so the planner reads the
  // primary key in order (a page of look-ups) instead of mapping every row and sorting.
  //
  // The filter is on the rows as they stood, which the planner has no statistics for: as a plain
  // condition on the mapped columns it guessed that a few rows in a million pass (status and
  // district: 5 estimated, 83,636 in fact), so reading the key in order until a page is found looked
  // like reading all of it, and it read and mapped every claim and sorted them instead (15 s). Put
  // to it as one function call (booleq, the boolean `=`), the condition is estimated as any call
  // of unknown selectivity, a third of the rows: the walk in key order is then the cheap plan, as it is.
  const cut = (side: string) => {
    if (!page) return side;
    const where = page.where(params);
    const kept = where.length ? ` WHERE booleq(${where.map((w) => `(${w})`).join(' AND ')}, true)` : '';
    return `(SELECT * FROM (${side}) AS ${table}${kept} ORDER BY ${page.order} LIMIT ${params.add(page.rows, 'integer')})`;
  };
  return `(WITH existence AS MATERIALIZED (${existence}),
    born AS MATERIALIZED (SELECT rid FROM existence WHERE born < coalesce(gone, born + 1) AND rid IS NOT NULL)
    ${cut(existing)} UNION ALL ${cut(deleted)})`;
}

function columns(resource: ResourceMeta, caller: Caller): string {
  return resource.fields.filter((f) => caller.sees(resource, f)).map((f) => ident(f.name)).join(', ');
}

/** A record as it stood at the moment, in getOne's shape; 404 when it did not exist then (or was deleted by then). */
export async function getOneAsOf(engine: ResourceEngine, resource: ResourceMeta, id: number, moment: Moment, caller: Caller): Promise<Record<string, unknown>> {
  const params = new Params();
  const table = ident(resource.name);
  const sql = `SELECT ${columns(resource, caller)} FROM ${tableAsOf(resource, moment, caller, params, id)} AS ${table} WHERE "id" = ${params.add(id)}`;
  // The archive check beside the read: a refused moment costs no extra round trip when it is not.
  const [rows] = await Promise.all([engine.query(engine.reader(caller), sql, params.values), assertAnswerable(engine, resource, moment)]);
  if (rows.length === 0) throw notFound(`${resource.singular} ${id} did not exist on ${moment.text}, or you cannot reach it`);
  return engine.present(resource, rows[0], caller);
}

/**
 * A list as of a moment, planned from the metadata and the query alone: a page's SQL and the total's
 * FROM; `byId`, whether its page walks the key. `sparse`: the filter keeps so few rows that reading
 * the events since the moment costs less than walking the key for a page (listAsOf, walkOrEvents).
 */
export function planListAsOf(resource: ResourceMeta, query: ListQuery, moment: Moment, caller: Caller, visible = (f: FieldMeta) => caller.sees(resource, f), sparse = false) {
  const table = ident(resource.name);
  assertNamedFiltersUsable(resource, query.filter, caller);
  const byId = (!query.sort || query.sort.field === 'id') && kind(resource) === 'audited' && !sparse;
  const order = orderBy(resource, query.sort, visible);
  const start = query.range?.start ?? 0;
  const limit = query.range ? query.range.end - query.range.start + 1 : MAX_PAGE;
  // The total counts the same rows without the page's cut.
  const whole = new Params();
  const wholeSource = byId ? tableAsOfById(resource, moment, caller, whole) : tableAsOf(resource, moment, caller, whole);
  const wholeWhere = filterToWhere(resource, query.filter, visible, whole);
  const from = `FROM ${wholeSource} AS ${table}${wholeWhere.length ? ` WHERE ${wholeWhere.join(' AND ')}` : ''}`;
  if (!byId) {
    const params = new Params();
    params.values.push(...whole.values);
    const text = `SELECT ${columns(resource, caller)} ${from} ORDER BY ${order} LIMIT ${params.add(limit, 'integer')} OFFSET ${params.add(start, 'integer')}`;
    return { text, values: params.values, from, fromValues: whole.values, start, byId };
  }
  const params = new Params();
  const source = tableAsOfById(resource, moment, caller, params, { where: (p) => filterToWhere(resource, query.filter, visible, p), order, rows: start + limit });
  const text = `SELECT ${columns(resource, caller)} FROM ${source} AS ${table} ORDER BY ${order} LIMIT ${params.add(limit, 'integer')} OFFSET ${params.add(start, 'integer')}`;
  return { text, values: params.values, from, fromValues: whole.values, start, byId };
}

/**
 * The stored image (every column, as the log keeps it) of a record at a moment, or null when it did
 * not exist then; for restore, which writes it back. Scope is the caller's write scope, checked by the caller.
 */
export async function imageAsOf(engine: ResourceEngine, resource: ResourceMeta, id: number, moment: Moment): Promise<Record<string, unknown> | null> {
  if (kind(resource) !== 'audited') throw new AppError('BAD_REQUEST', `${resource.label} cannot be restored`);
  await assertAnswerable(engine, resource, moment);
  const params = new Params();
  const table = ident(resource.name);
  const unscoped = { userId: null, can: () => true, sees: () => true, refusesWrite: () => null, scope: () => null } satisfies Caller;
  const sql = `SELECT to_jsonb(${table}) AS j FROM ${tableAsOf(resource, moment, unscoped, params, id)} AS ${table}`;
  const [row] = await engine.query(engine.pool, sql, params.values);
  return (row?.j as Record<string, unknown> | undefined) ?? null;
}

/** The record's last image in the log (for a deleted record's scope), or null. */
export async function lastImage(engine: ResourceEngine, resource: ResourceMeta, id: number): Promise<Record<string, unknown> | null> {
  const [row] = await engine.query(
    engine.pool,
    `SELECT ${lastImageSql('$1', '$2::bigint')} AS j`,
    [resource.name, id],
  );
  return (row?.j as Record<string, unknown> | undefined) ?? null;
}

/** 404 unless the caller reaches the record as it stands (or last stood); `write` for restore. */
export async function assertReaches(engine: ResourceEngine, resource: ResourceMeta, id: number, caller: Caller, purpose: 'read' | 'write' = 'read'): Promise<void> {
  if (caller.scope(resource, new Params(), purpose) === null) return;
  await assertReachable(engine, resource, id, await lastImage(engine, resource, id), caller, purpose);
}
