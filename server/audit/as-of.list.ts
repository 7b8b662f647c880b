import type { Caller } from '../engine/caller.js';
import type { ResourceEngine } from '../engine/execute.js';
import type { ListResult } from '../engine/read/resource-reader.js';
import type { FieldMeta, ResourceMeta } from '../engine/metadata/resource-meta.js';
import { MAX_PAGE, type ListQuery } from '../engine/params/parse-simple-rest.js';
import { countsExactly, planList } from '../engine/plan/plan-list.js';
import { Params, statementName } from '../engine/plan/sql.js';
import { planEstimate, tableRows, type Estimate } from '../engine/read/totals.js';
import { queryGeneric } from '../engine/read/generic-plan.js';
import { assertAnswerable } from './archive-horizon.js';
import { momentSql, planListAsOf, type Moment } from './as-of.query.js';

// A list as it stood at a moment (as-of.query.ts plans it): how its page is read, and its total.

/** A list as it stood at the moment: the usual filter (on the rows as they stood), sort, range and total. */
export async function listAsOf(engine: ResourceEngine, resource: ResourceMeta, query: ListQuery, moment: Moment, caller: Caller): Promise<ListResult> {
  const db = engine.reader(caller);
  const visible = (field: FieldMeta) => caller.sees(resource, field);
  // Planned first: a bad filter or sort is a 400 before anything is sent.
  let plan = planListAsOf(resource, query, moment, caller, visible);
  // A filtered page by id of a large table walks the key or reads the events since, by the
  // planner's estimates of the rows the filter keeps now and of those events (the first also
  // answers the total).
  const rows = await tableRows((sql, values) => engine.query(engine.pool, sql, values), resource.name);
  const choosing = plan.byId && Object.keys(query.filter).length > 0 && rows >= engine.options.exactCountBelow;
  const [now, events] = choosing ? await Promise.all([estimateNow(engine, db, resource, query, caller), eventsSince(engine, db, resource, moment)]) : [];
  if (now && events !== undefined && walkOrEvents(query, rows, now.rows, events) === 'events') plan = planListAsOf(resource, query, moment, caller, visible, true);
  // Named by its text, as a list page is: prepared once per connection (planning the partitions of
  // the log costs more than running a page), except searches, whose pattern a generic plan cannot
  // see. A page by id is always run with its generic plan, a walk of the key whatever the moment and
  // page; PostgreSQL would not choose it (generic-plan.ts) and planned each page afresh.
  const searching = Object.keys(query.filter).some((k) => k === 'q' || k.endsWith('_like'));
  const named = { name: `asof:${statementName(plan.text)}`, text: plan.text };
  const read = searching ? engine.query(db, plan.text, plan.values) : plan.byId ? queryGeneric(engine, db, named, plan.values) : engine.query(db, named, plan.values);
  const [answered] = await Promise.all([read, assertAnswerable(engine, resource, moment)]);
  // A page that is not full ends the list: its total needs no count (most reference tables fit a page).
  const limit = query.range ? query.range.end - query.range.start + 1 : MAX_PAGE;
  const ended = answered.length < limit && (answered.length > 0 || plan.start === 0);
  const total = ended ? { total: plan.start + answered.length, approximate: false } : await totalOf(engine, db, resource, query, caller, plan.from, plan.fromValues, rows, now);
  return { rows: answered.map(engine.presenter(resource, caller)), start: plan.start, ...total };
}

/**
 * How a filtered page by id finds its rows: by walking the key in order, each row mapped to its
 * state then, until a page matches (about page × table / matching rows looked at), or from the events
 * since the moment with the rows untouched since read through the filter's own index (as any other
 * sort is). Each costs a look-up into the log per row or event (32 and 15 µs measured on the
 * benchmark's database): the fewer. A student's 10 claims of a million, 20 days back: the walk read
 * every claim (32 s), the events took 3.2 s; a district's paid claims: the walk, 300 rows.
 */
function walkOrEvents(query: ListQuery, rows: number, matching: number, events: number): 'walk' | 'events' {
  const page = query.range ? query.range.end + 1 : MAX_PAGE;
  const walked = Math.min(rows, (page * rows) / Math.max(matching, 1));
  return events < walked ? 'events' : 'walk';
}

/** The planner's estimate of the table's events in the log since the moment. */
async function eventsSince(engine: ResourceEngine, db: Parameters<ResourceEngine['query']>[0], resource: ResourceMeta, moment: Moment): Promise<number> {
  const params = new Params();
  const from = `FROM audit_log WHERE table_name = ${params.add(resource.name, 'text')} AND occurred_at > ${momentSql(moment, params)}`;
  return (await planEstimate((sql, values) => engine.query(db, sql, values), from, params.values)).rows;
}

/** The planner's estimate of the list's rows as the table stands now (same filter and scope). */
async function estimateNow(engine: ResourceEngine, db: Parameters<ResourceEngine['query']>[0], resource: ResourceMeta, query: ListQuery, caller: Caller): Promise<Estimate> {
  const now = planList(resource, { ...query, sort: null }, caller);
  return planEstimate((sql, values) => engine.query(db, sql, values), now.from, now.params.values);
}

/**
 * Counted while the planner expects few rows at a small cost, else its estimate (as a list's total
 * is). The planner cannot tell how many rows the mapping to the past keeps (it guessed 1 % of a
 * million claims), so the estimate is that of the same filter on the table as it stands now: the
 * rows then are, give or take the changes since, the rows now.
 */
async function totalOf(engine: ResourceEngine, db: Parameters<ResourceEngine['query']>[0], resource: ResourceMeta, query: ListQuery, caller: Caller, from: string, values: unknown[], tableSize: number, known?: Estimate): Promise<{ total: number; approximate: boolean }> {
  const count = async () => {
    const text = `SELECT count(*)::bigint AS total ${from}`;
    const [row] = await engine.query(db, { name: `asof-count:${statementName(text)}`, text }, values);
    return { total: Number(row.total), approximate: false };
  };
  // A small table (reference data) is counted straight away, as a list's total is.
  if (tableSize < engine.options.exactCountBelow) return count();
  const estimate = known ?? (await estimateNow(engine, db, resource, query, caller));
  if (!countsExactly(estimate, engine.options.exactCountBelow)) return { total: estimate.rows, approximate: true };
  return count();
}

