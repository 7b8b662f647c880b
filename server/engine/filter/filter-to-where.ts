import { badRequest } from '../../errors/app-error.js';
import type { Caller } from '../caller.js';
import type { FieldMeta, ResourceMeta } from '../metadata/resource-meta.js';
import { ident, type Params } from '../plan/sql.js';
import { elementOf, isOrdered, isTextual, parseValue, sqlCast, toParam } from '../types/column-types.js';
import { operatorKey, type Operator } from '../../../contract/filters.js';


const MAX_IN = 1000;

/** Which fields this caller may see (and therefore filter and search on). */
export type Visible = (field: FieldMeta) => boolean;

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

function value(field: FieldMeta, raw: unknown, key: string): unknown {
  const r = parseValue(field.choices ? { ...field, choices: null } : field, raw, 'filter');
  if (!r.ok) throw badRequest(`Filter "${key}": ${field.name} ${r.why}`, { [key]: r.why });
  return toParam(field, r.value);
}

function resolveKey(resource: ResourceMeta, key: string, visible: Visible): { field: FieldMeta; op: Operator } {
  const direct = resource.field.get(key);
  if (direct && visible(direct)) return { field: direct, op: 'eq' };
  const named = operatorKey(key);
  const field = named ? resource.field.get(named.field) : undefined;
  if (!named || !field || !visible(field)) throw badRequest(`Unknown filter field "${key}"`, { [key]: 'unknown filter field' });
  return { field, op: named.op };
}

/** A field answered cut to what the caller may see is filtered only by whether it is empty. */
function checkOperator(field: FieldMeta, op: Operator, key: string): void {
  if (!field.cutPerCaller || op === 'null') return;
  throw badRequest(`Filter "${key}": ${field.name} can be filtered only by whether it is empty (${field.name}_null)`, { [key]: 'filtered only by whether it is empty' });
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A date without a time on a timestamp field names a whole day (in the database's time zone), as a
 * date picker means it: "to 2026-11-25" includes that day's events, "= 2026-11-25" is that day.
 * The day's bounds are timestamptz parameters ('2026-11-25' read as midnight in the session's time
 * zone), not `date::timestamptz`: a cast is evaluated when the statement runs, so a partitioned
 * table (the audit log's months) was planned over every partition, then pruned (5 to 40 ms of
 * planning for a day of claim events); a parameter's value prunes while planning.
 */
function wholeDay(field: FieldMeta, op: Operator, raw: string, key: string, params: Params): string {
  const col = ident(field.name);
  value(field, raw, key);
  const nextDay = new Date(Date.parse(`${raw}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const start = () => params.add(raw, 'timestamptz');
  const end = () => params.add(nextDay, 'timestamptz');
  switch (op) {
    case 'eq':
      return `(${col} >= ${start()} AND ${col} < ${end()})`;
    case 'neq':
      return `(${col} IS NULL OR NOT (${col} >= ${start()} AND ${col} < ${end()}))`;
    case 'lte':
      return `${col} < ${end()}`;
    case 'gt':
      return `${col} >= ${end()}`;
    case 'lt':
      return `${col} < ${start()}`;
    default:
      return `${col} >= ${start()}`;
  }
}

function condition(field: FieldMeta, op: Operator, raw: unknown, key: string, params: Params): string {
  const col = ident(field.name);
  const cast = sqlCast(field);
  if (field.type === 'timestamp' && typeof raw === 'string' && DATE_ONLY.test(raw) && op !== 'null' && op !== 'like') {
    return wholeDay(field, op, raw, key, params);
  }
  if (op === 'null') {
    if (typeof raw !== 'boolean' && raw !== 'true' && raw !== 'false') throw badRequest(`Filter "${key}" must be true or false`, { [key]: 'must be true or false' });
    return `${col} IS ${raw === true || raw === 'true' ? '' : 'NOT '}NULL`;
  }
  if (op === 'eq' || op === 'neq') {
    if (raw === null) return `${col} IS ${op === 'neq' ? 'NOT ' : ''}NULL`;
    if (Array.isArray(raw) && field.type !== 'json') {
      if (raw.length > MAX_IN) throw badRequest(`Filter "${key}" may list at most ${MAX_IN} values`, { [key]: 'too many values' });
      if (elementOf(field)) {
        const list = value(field, raw, key);
        return `${op === 'neq' ? 'NOT ' : ''}(${col} @> ${params.add(list, cast)})`;
      }
      const list = raw.map((v) => value(field, v, key));
      const any = `${col} = ANY(${params.add(list, cast + '[]')})`;
      return op === 'eq' ? any : `(${col} IS NULL OR NOT ${any})`;
    }
    const scalar = elementOf(field);
    if (scalar) {
      // A single value on an array column means "contains".
      const element = value({ ...field, type: scalar }, raw, key);
      return `${op === 'neq' ? 'NOT ' : ''}(${col} @> ARRAY[${params.add(element, scalar)}])`;
    }
    const p = params.add(value(field, raw, key), cast);
    return op === 'eq' ? `${col} = ${p}` : `${col} IS DISTINCT FROM ${p}`;
  }
  if (op === 'like') {
    if (typeof raw !== 'string' || !isTextual(field)) {
      throw badRequest(`Filter "${key}": _like takes text on a text field`, { [key]: '_like takes text on a text field' });
    }
    const pattern = params.add('%' + escapeLike(String(value({ ...field, type: 'text', choices: null }, raw, key))) + '%', 'text');
    return elementOf(field)
      ? `EXISTS (SELECT 1 FROM unnest(${col}) AS e WHERE e ILIKE ${pattern})`
      : `${col} ILIKE ${pattern}`;
  }
  if (!isOrdered(field)) throw badRequest(`Filter "${key}": ${field.name} cannot be compared`, { [key]: 'not comparable' });
  const symbol = { gte: '>=', lte: '<=', gt: '>', lt: '<' }[op];
  return `${col} ${symbol} ${params.add(value(field, raw, key), cast)}`;
}

/** Trigrams are three characters: a shorter term cannot be found through a trigram index. */
const TRIGRAM = 3;

/**
 * `q`: any searched field, or the id. Identifiers (codes and numbers) match by their start,
 * `lower(field) LIKE 'term%'`, a range of their btree on `lower(field) text_pattern_ops`; other
 * fields anywhere (`ILIKE '%term%'`, through their trigram index), or by their start for a term
 * shorter than a trigram, which no trigram index finds.
 */
function search(resource: ResourceMeta, raw: unknown, visible: Visible, params: Params): string {
  if (typeof raw !== 'string') throw badRequest('Filter "q" must be text', { q: 'must be text' });
  const term = raw.trim();
  if (term === '') return 'TRUE';
  if (term.length > 200) throw badRequest('Filter "q" must be at most 200 characters', { q: 'too long' });
  if (term.includes('\u0000')) throw badRequest('Filter "q" must not contain NUL characters', { q: 'invalid search text' });
  const fields = resource.fields.filter((f) => f.searchable && visible(f));
  // Each pattern is a parameter only when some field uses it: PostgreSQL refuses a bind of an unused one.
  const once = (make: () => string) => {
    let p: string | undefined;
    return () => (p ??= make());
  };
  const prefix = once(() => params.add(escapeLike(term.toLowerCase()) + '%', 'text'));
  const anywhere = once(() => params.add((term.length >= TRIGRAM ? '%' : '') + escapeLike(term) + '%', 'text'));
  const parts = fields.map((f) => {
    if (f.identifier) return `lower(${ident(f.name)}) LIKE ${prefix()}`;
    return elementOf(f) ? `array_to_string(${ident(f.name)}, ' ') ILIKE ${anywhere()}` : `${ident(f.name)} ILIKE ${anywhere()}`;
  });
  if (/^\d{1,9}$/.test(term)) parts.push(`"id" = ${params.add(Number(term), 'integer')}`);
  return parts.length ? `(${parts.join(' OR ')})` : 'FALSE';
}

/** A declared named filter (`namedFilters`): true applies its condition, false the rows outside it. */
function namedCondition(key: string, where: string, raw: unknown): string {
  if (raw === true || raw === 'true') return `(${where})`;
  if (raw === false || raw === 'false') return `NOT (${where})`;
  throw badRequest(`Filter "${key}" must be true or false`, { [key]: 'must be true or false' });
}

/** Whether a caller may use a declared named filter: they may list every resource its condition reads. */
export function mayUseNamedFilter(filter: { reads?: string[] }, caller: Pick<Caller, 'can'>): boolean {
  return (filter.reads ?? []).every((name) => caller.can(`${name}.list`));
}

/**
 * A named filter reading a resource the caller may not list is refused as an unknown key: it would
 * count rows there (which users have a practitioner type) beyond what the caller may read.
 */
export function assertNamedFiltersUsable(resource: ResourceMeta, filter: Record<string, unknown>, caller: Pick<Caller, 'can'>): void {
  for (const key of Object.keys(filter)) {
    const named = resource.field.has(key) ? undefined : resource.options.namedFilters?.[key];
    if (named && !mayUseNamedFilter(named, caller)) throw badRequest(`Unknown filter field "${key}"`, { [key]: 'unknown filter field' });
  }
}

/** Turns a ra-data-simple-rest filter object into a WHERE clause; unknown keys are refused. */
export function filterToWhere(resource: ResourceMeta, filter: Record<string, unknown>, visible: Visible, params: Params): string[] {
  const where: string[] = [];
  for (const [key, raw] of Object.entries(filter)) {
    if (key === 'q' && !resource.field.has('q')) {
      where.push(search(resource, raw, visible, params));
      continue;
    }
    const named = resource.field.has(key) ? undefined : resource.options.namedFilters?.[key];
    if (named) {
      where.push(namedCondition(key, named.where, raw));
      continue;
    }
    const { field, op } = resolveKey(resource, key, visible);
    checkOperator(field, op, key);
    where.push(condition(field, op, raw, key, params));
  }
  return where;
}
