import { badRequest } from '../../errors/app-error.js';
import type { Caller } from '../caller.js';
import type { FieldMeta, ResourceMeta } from '../metadata/resource-meta.js';
import { planList } from '../plan/plan-list.js';
import { ident } from '../plan/sql.js';
import { groupsBy, isSummed } from '../types/column-types.js';

/** A date or timestamp is grouped by the day or the month it falls in. */
export type Bucket = 'day' | 'month';

interface AggregateQuery {
  filter: Record<string, unknown>;
  /** At most two keys: `status`, `service_date:month`, a derived key (`denial_code`). */
  group: { key: string; bucket: Bucket | null }[];
  /** Fields summed per group (each answered as text, exactly: money). */
  sum: string[];
}

/** An aggregate's SQL: plain data, planned from the metadata, the query and the caller's reach alone. */
export interface AggregatePlan {
  text: string;
  values: unknown[];
  /** The answer's columns: `g0`, `g1` (group keys), `count`, `sum_<field>`. */
  group: { key: string; label: string; bucket: Bucket | null }[];
  sum: { field: string; label: string }[];
}

/** More groups than this are cut off (and the answer says so): a dashboard shows dozens, not thousands. */
export const MAX_GROUPS = 1_000;
const MAX_KEYS = 2;
const MAX_SUMS = 4;

/** The fields (and derived keys) a caller may group a resource by, and those they may sum. */
export function aggregatable(resource: ResourceMeta, caller: Pick<Caller, 'sees'>) {
  const declared = resource.options.aggregate;
  const sees = (f: FieldMeta | undefined): f is FieldMeta => !!f && caller.sees(resource, f);
  const groupBy = (declared?.groupBy ?? resource.fields.filter((f) => groupsBy(f) || f.choices || f.reference).map((f) => f.name))
    .map((name) => resource.field.get(name))
    .filter(sees);
  const sum = (declared?.sum ?? resource.fields.filter(isSummed).map((f) => f.name)).map((name) => resource.field.get(name)).filter(sees);
  const derived = Object.entries(declared?.derived ?? {}).filter(([, d]) => sees(resource.field.get(d.field)));
  return { groupBy, sum, derived };
}

function keyExpression(resource: ResourceMeta, caller: Caller, key: string, bucket: Bucket | null) {
  const { groupBy, derived } = aggregatable(resource, caller);
  const d = derived.find(([name]) => name === key);
  if (d) {
    if (bucket) throw badRequest(`"${key}" cannot be grouped by ${bucket}`, { group: `${key} is not a date` });
    return { sql: `(${d[1].sql})`, label: d[1].label };
  }
  const field = groupBy.find((f) => f.name === key);
  if (!field) throw badRequest(`Cannot group by "${key}"`, { group: `${key} is not a field you may group by` });
  const col = ident(field.name);
  const dated = groupsBy(field) === 'calendar';
  if (bucket && !dated) throw badRequest(`"${key}" cannot be grouped by ${bucket}`, { group: `${key} is not a date` });
  // Days and months as text (YYYY-MM-DD), in the database's time zone like the list filters' whole days.
  if (dated) return { sql: `to_char(date_trunc(${bucket === 'month' ? "'month'" : "'day'"}, ${col}), 'YYYY-MM-DD')`, label: field.label };
  return { sql: col, label: field.label };
}

/**
 * `SELECT <keys>, count(*), sum(...) FROM <table> WHERE <filter> AND <the caller's read scope> GROUP BY <keys>`.
 * The FROM and WHERE are the list's own (plan/plan-list.ts): the same filters, field visibility and
 * row scope as a list page, so a figure never counts a row its list would not show.
 */
export function planAggregate(resource: ResourceMeta, query: AggregateQuery, caller: Caller): AggregatePlan {
  if (query.group.length > MAX_KEYS) throw badRequest(`Group by at most ${MAX_KEYS} keys`, { group: 'too many keys' });
  if (query.sum.length > MAX_SUMS) throw badRequest(`Sum at most ${MAX_SUMS} fields`, { sum: 'too many fields' });
  const plan = planList(resource, { filter: query.filter, sort: null, range: null }, caller);
  const keys = query.group.map((g) => ({ ...g, ...keyExpression(resource, caller, g.key, g.bucket) }));
  const summable = aggregatable(resource, caller).sum;
  const sums = query.sum.map((name) => {
    const field = summable.find((f) => f.name === name);
    if (!field) throw badRequest(`Cannot sum "${name}"`, { sum: `${name} is not a field you may sum` });
    return field;
  });
  const select = [
    ...keys.map((k, i) => `${k.sql} AS "g${i}"`),
    'count(*)::integer AS "count"',
    ...sums.map((f) => `coalesce(sum(${ident(f.name)}), 0)::text AS ${ident(`sum_${f.name}`)}`),
  ];
  const by = keys.map((_, i) => String(i + 1)).join(', ');
  const grouped = keys.length ? ` GROUP BY ${by} ORDER BY ${by}` : '';
  const text = `SELECT ${select.join(', ')} ${plan.from}${grouped} LIMIT ${plan.params.add(MAX_GROUPS + 1, 'integer')}`;
  return {
    text,
    values: plan.params.values,
    group: keys.map((k) => ({ key: k.key, label: k.label, bucket: k.bucket })),
    sum: sums.map((f) => ({ field: f.name, label: f.label })),
  };
}

function jsonList(raw: unknown, name: string): string[] {
  if (raw === undefined || raw === '') return [];
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = raw.startsWith('[') ? JSON.parse(raw) : raw.split(',');
    } catch {
      throw badRequest(`"${name}" must be a JSON list of names`, { [name]: 'invalid JSON' });
    }
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && /^\w{1,63}(:\w{1,10})?$/.test(v))) {
    throw badRequest(`"${name}" must be a list of names`, { [name]: 'must be a list of names' });
  }
  return value as string[];
}

/** `group=["service_date:month","status"]&sum=["billed_amount"]` (or `group=status,district`). */
export function parseAggregateQuery(query: Record<string, unknown>, filter: Record<string, unknown>): AggregateQuery {
  const group = jsonList(query.group, 'group').map((g) => {
    const [key, bucket = null] = g.split(':');
    if (bucket !== null && bucket !== 'day' && bucket !== 'month') throw badRequest(`Group "${g}": by day or month`, { group: 'by day or month' });
    return { key, bucket: bucket as Bucket | null };
  });
  return { filter, group, sum: jsonList(query.sum, 'sum') };
}
