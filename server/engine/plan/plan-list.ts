import { AppError } from '../../errors/app-error.js';
import type { Caller } from '../caller.js';
import { assertNamedFiltersUsable, filterToWhere, type Visible } from '../filter/filter-to-where.js';
import type { FieldMeta, ResourceMeta } from '../metadata/resource-meta.js';
import type { ListQuery } from '../params/parse-simple-rest.js';
import { ident, Params } from './sql.js';

/** A list's SQL, planned from the metadata, the query and the caller's reach alone (no database): plain data to log or test. */
interface ListPlan {
  /** Which fields the caller may see (and so filter and sort on). */
  visible: Visible;
  params: Params;
  /** `SELECT <visible columns> FROM ... WHERE ... ORDER BY ...`, no page: exports stream it whole. */
  select: string;
  /** `FROM ... WHERE ...` alone: what the total counts (or estimates). */
  from: string;
  /** The ORDER BY clause alone (without the keywords). */
  order: string;
  /** The visible columns, as the SELECT lists them. */
  columns: string;
  /** The table, quoted. */
  table: string;
}

/**
 * The ORDER BY of a list. NULLs go where PostgreSQL puts them by default: after every value when
 * ascending, before every value when descending (they sort as the greatest value). That is the
 * order a btree index yields read forwards and backwards, so one index on (field, id) serves a
 * field both ways; `NULLS LAST` on a descending sort made PostgreSQL read and sort every matching
 * row for each page (41,712 rows for a district's claims of one status, newest first). The id
 * breaks ties, in the same direction so the same index still serves it; a unique field that is
 * never null needs no tie-break.
 */
export function orderBy(resource: ResourceMeta, sort: ListQuery['sort'], visible: Visible): string {
  if (!sort) return '"id" ASC';
  const field: FieldMeta | undefined = resource.field.get(sort.field);
  if (!field || !visible(field) || !field.sortable) {
    throw new AppError('BAD_REQUEST', `Cannot sort by "${sort.field}"`, { [sort.field]: 'not a sortable field' });
  }
  return ordersAlone(field) ? `${ident(field.name)} ${sort.order}` : `${ident(field.name)} ${sort.order}, "id" ${sort.order}`;
}

/** A field whose order is total on its own: no tie-break by id. */
function ordersAlone(field: FieldMeta): boolean {
  // (A member of a composite key, such as the audit log's occurred_at, is not unique on its own.)
  return field.name === 'id' || (field.unique && !field.primaryKey && !field.nullable);
}

/**
 * The SELECT of a list (filter, the caller's row scope, sort), shared by pages, totals and exports;
 * its placeholders continue `params` when given (several lists in one statement: the search box).
 */
export function planList(resource: ResourceMeta, query: ListQuery, caller: Caller, params = new Params()): ListPlan {
  const visible: Visible = (field) => caller.sees(resource, field);
  assertNamedFiltersUsable(resource, query.filter, caller);
  const where = filterToWhere(resource, query.filter, visible, params);
  const scope = caller.scope(resource, params, 'read');
  if (scope) where.push(`(${scope})`);
  const table = ident(resource.name);
  const from = `FROM ${table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  const order = orderBy(resource, query.sort, visible);
  const columns = resource.fields.filter(visible).map((f) => ident(f.name)).join(', ');
  return { visible, params, select: `SELECT ${columns} ${from} ORDER BY ${order}`, from, order, columns, table };
}

/**
 * From this offset on, a page first finds its ids and then reads their rows: the rows it skips are
 * read from an index on (field, id) alone instead of each being fetched from the table (page 400
 * of a million claims by date: 3.4 ms instead of 9.8 ms).
 */
export const DEFERRED_FROM = 1_000;

/** One page of a planned list: `{text, values}` ready to run (the plan's values, then limit and offset). */
export function planPage(plan: ListPlan, start: number, limit: number): { text: string; values: unknown[] } {
  const params = new Params();
  params.values.push(...plan.params.values);
  const page = `LIMIT ${params.add(limit, 'integer')} OFFSET ${params.add(start, 'integer')}`;
  if (start < DEFERRED_FROM) return { text: `${plan.select} ${page}`, values: params.values };
  // The same rows in the same order (the order is total: the id breaks ties).
  const text = `SELECT ${plan.columns} FROM ${plan.table} WHERE "id" IN (SELECT "id" ${plan.from} ORDER BY ${plan.order} ${page}) ORDER BY ${plan.order}`;
  return { text, values: params.values };
}

/**
 * A search expected to match fewer rows than this is read as its matches first (`FEW_MATCHES`).
 * Far fewer than a page-sized scan would meet, and few enough to sort.
 */
export const FEW_MATCHES = 1_000;

/**
 * One page of a list whose matches are few (a search): the matching ids found first, apart from
 * the order and limit, then their rows sorted. With the LIMIT in view PostgreSQL walks the id index
 * backwards, testing every row's ILIKEs until 25 match, expecting matches spread evenly: 5 patterns
 * on some 12,000 students for a last name's 243 matches (7 to 95 ms). Its matches from the search
 * indexes (a bitmap) and their 25 first rows take about a millisecond.
 */
export function planMatchesPage(plan: ListPlan, start: number, limit: number): { text: string; values: unknown[] } {
  const params = new Params();
  params.values.push(...plan.params.values);
  const page = `LIMIT ${params.add(limit, 'integer')} OFFSET ${params.add(start, 'integer')}`;
  // An ARRAY() subquery is planned on its own, never with the outer LIMIT in view.
  const text = `SELECT ${plan.columns} FROM ${plan.table} WHERE "id" = ANY (ARRAY(SELECT "id" ${plan.from})) ORDER BY ${plan.order} ${page}`;
  return { text, values: params.values };
}

/**
 * Above this planner cost a total is the estimate even when it is small. The estimate can be far
 * off where filters are correlated across tables (a practitioner's claims in their own district:
 * estimated 6,849, in fact 83,000, counted by a sequential scan of a million claims in 1.1 s),
 * and then so is the plan's idea of how cheap the count is; a plan this costly is not cheap.
 * Counts of a few thousand rows by an index cost well under it (a district's rejected claims:
 * 606; a record's documents: about 10).
 */
export const EXACT_COUNT_MAX_COST = 10_000;

/**
 * Whether a list total is counted exactly, from the planner's view of the matching rows (an
 * EXPLAIN of `SELECT 1 FROM ... WHERE ...`): below `exactCountBelow` rows and cheap to count.
 */
export function countsExactly(estimate: { rows: number; cost: number }, exactCountBelow: number): boolean {
  return estimate.rows < exactCountBelow && estimate.cost <= EXACT_COUNT_MAX_COST;
}

/**
 * A page sorted by a field no index serves sorts every matching row for each page: at most this
 * many (about as many as a page of an index-served sort costs, 10-20 ms). Above it, the list is
 * refused with the fields that do sort at any size (claims by billed amount: 3.9 s a page at a
 * million claims, and one connection of the pool held for it).
 */
export const UNINDEXED_SORT_MAX = 20_000;

/**
 * Whether an index returns the list in the sort's order (`orderBy`: the field, then the id) without
 * sorting the matching rows: the field is one of its columns, every column before it is held to one
 * value by the filter (`{status: 'Paid'}` lets (status, service_date, id) serve a sort by date), and
 * the id follows it, past any column the filter holds too (a field unique on its own needs none;
 * a time needs none either, below).
 * An index reads both ways, so this holds for either direction.
 */
export function sortServed(indexes: readonly (readonly string[])[], field: FieldMeta, held: ReadonlySet<string>): boolean {
  const fixed = (column: string) => held.has(column);
  return indexes.some((columns) => {
    const at = columns.indexOf(field.name);
    if (at < 0 || !columns.slice(0, at).every(fixed)) return false;
    if (ordersAlone(field)) return true;
    const next = columns.slice(at + 1).find((c) => !fixed(c));
    // An index that ends at a time (the logs' occurred_at): the planner sorts each run of equal
    // times by id as it reads them (an incremental sort), and times are all but unique.
    return next === 'id' || (next === undefined && field.type === 'timestamp');
  });
}

/** The sortable fields an index serves whatever the filter: what a refused sort offers instead. */
export function indexSortedFields(resource: ResourceMeta, indexes: readonly (readonly string[])[], visible: Visible): FieldMeta[] {
  return resource.fields.filter((f) => f.sortable && visible(f) && sortServed(indexes, f, new Set()));
}

/**
 * The columns a list's filter holds to one value: a field given one scalar (not a list of values,
 * not a range, not a timestamp's day, which is a range of times).
 */
export function heldColumns(resource: ResourceMeta, filter: Record<string, unknown>): Set<string> {
  const held = new Set<string>();
  for (const [name, value] of Object.entries(filter)) {
    const field = resource.field.get(name);
    if (!field || field.type === 'timestamp' || field.type === 'json') continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') held.add(name);
  }
  return held;
}
