import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { connect, type Database } from '../../server/db/database.js';
import { PermissionCache } from '../../server/auth/permission-cache.js';
import { roleNamed } from '../../server/schema/roles.js';
import { userCaller, type SignedInUser } from '../../server/auth/policy.js';
import type { Caller } from '../../server/engine/caller.js';
import { resolveResources } from '../../server/engine/metadata/resolve-metadata.js';
import type { ResourceMeta } from '../../server/engine/metadata/resource-meta.js';
import type { ListQuery } from '../../server/engine/params/parse-simple-rest.js';
import { countsExactly, FEW_MATCHES, planList, planMatchesPage, planPage, sortServed, UNINDEXED_SORT_MAX } from '../../server/engine/plan/plan-list.js';
import { ResourceEngine } from '../../server/engine/execute.js';
import { AppError } from '../../server/errors/app-error.js';
import { loadSortIndexes, type SortIndexes } from '../../server/db/sort-indexes.js';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { growDatabase } from './list-plans-data.js';
import { planListAsOf } from '../../server/audit/as-of.query.js';
import { listAsOf } from '../../server/audit/as-of.list.js';
import { inUnitOfWork } from '../../server/db/unit-of-work.js';
import { ensureSystemUser } from '../../server/db/system-user.js';
import { planSearch, searchable } from '../../server/engine/search/search-all.js';

/**
 * Every list a user can open is served by an index at production size, newest first as well as
 * oldest first, for every role. The cases are generated from the metadata: each resource's default
 * list (the console's: newest id first), each of its fields sorted both ways where an index serves
 * it (plan/plan-list.ts, sortServed; on a large table each other sort is refused), each declared
 * common filter (`commonFilters`) with the default and every indexed sort, each scoped role's lists with their totals, and each resource's `q` with the search box. Each page is planned by the engine's own
 * planner (server/engine/plan/plan-list.ts) for a real caller of that role, and EXPLAINed: a plan
 * that sorts more than a page's worth of rows, or reads a large table sequentially, fails.
 *
 * The database is the seeded test database grown to 1,000,000 claims, 100,000 students and 500,000
 * services (list-plans-data.ts), so the planner chooses as it would there. LIST_PLANS_DATABASE_URL
 * runs the same checks on an existing database instead (the benchmark's: `.data/bench-1000000`).
 */
const FACTOR = Number(process.env.LIST_PLANS_FACTOR ?? 1667);
/** The engine's exact-count threshold (EXACT_COUNT_BELOW): above it a total is the planner's estimate. */
const COUNTED_BELOW = 20_000;
/** A table (or partition) of at least this many rows must not be read sequentially for a page or a count. */
const LARGE = 50_000;
/** A sort over more rows than this (estimated) is a sort of the matching set, not of a page. */
const SORT_LIMIT = 1_000;
const PAGE = 25;

let owned: TestDatabase | undefined;
let db: Database;
let client: pg.PoolClient;
let resources: Map<string, ResourceMeta>;
let large: Set<string>;
/** table -> rows (all partitions together). */
let sizes: Map<string, number>;
/** The tables' btree indexes, as the engine reads them (db/sort-indexes.ts). */
let sortIndexes: SortIndexes;
const callers = new Map<string, { caller: Caller; granted: Set<string> }>();

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Plan Rows': number;
  'Total Cost': number;
  'Sort Key'?: string[];
  'Presorted Key'?: string[];
  'Parent Relationship'?: string;
  'Subplan Name'?: string;
  Plans?: PlanNode[];
}

function* nodes(node: PlanNode): Generator<PlanNode> {
  yield node;
  for (const child of node.Plans ?? []) yield* nodes(child);
}

async function explain(text: string, values: unknown[]): Promise<PlanNode> {
  const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${text}`, values);
  return rows[0]['QUERY PLAN'][0].Plan;
}

/** The plan PostgreSQL keeps for the statement whatever its values (its parameters unknown). */
async function explainGeneric(text: string): Promise<PlanNode> {
  const { rows } = await client.query(`EXPLAIN (GENERIC_PLAN, FORMAT JSON) ${text}`);
  return rows[0]['QUERY PLAN'][0].Plan;
}

/** An as-of page by id reads the inserts and deletions since the moment whole, by design (as-of.query.ts). */
const AS_OF_WHOLE = ['CTE existence', 'CTE born'];

/** What is wrong with a plan that should return one page (nothing: ''). */
function judge(plan: PlanNode): string {
  const wrong: string[] = [];
  for (const node of nodes(plan)) {
    if (node['Node Type'].endsWith('Seq Scan') && large.has(node['Relation Name']!)) wrong.push(`Seq Scan on ${node['Relation Name']}`);
    // Ties of a time sorted by id as the index yields them: times are all but unique, the runs a few rows.
    if (node['Node Type'] === 'Incremental Sort' && presortedOnTime(node)) continue;
    if (node['Node Type'] === 'Sort' || node['Node Type'] === 'Incremental Sort') {
      const input = node.Plans?.[0]?.['Plan Rows'] ?? 0;
      if (input > SORT_LIMIT) wrong.push(`${node['Node Type']} of ${Math.round(input)} rows by ${node['Sort Key']?.join(', ')}`);
    }
  }
  return wrong.join('; ');
}

/** Nodes that read all of their input before they answer a row: what is under them is read whole. */
const READS_WHOLE = new Set(['Sort', 'Incremental Sort', 'Hash', 'Aggregate', 'Materialize', 'SetOp', 'WindowAgg']);

/** Every path down from the node passes a LIMIT: it yields at most a page, whatever the estimates say. */
function cutBelow(node: PlanNode): boolean {
  if (node['Node Type'] === 'Limit') return true;
  if (['Append', 'Merge Append', 'Subquery Scan', 'Result'].includes(node['Node Type'])) return (node.Plans ?? []).filter((c) => c['Parent Relationship'] !== 'InitPlan').every(cutBelow);
  return false;
}

/**
 * What is wrong with a generic plan (EXPLAIN (GENERIC_PLAN), the one a statement run by
 * engine/read/generic-plan.ts keeps): its estimates assume a tenth of the rows behind each LIMIT, so sizes say
 * little. It must not read a large table sequentially, nor read a large part of one (by estimate)
 * where no LIMIT stops it (under a sort, a hash or an aggregate), nor sort what no LIMIT cut below.
 * `whole` names the CTEs a page reads whole by design (as of a moment: the inserts and deletions since).
 */
function judgeGeneric(plan: PlanNode, whole: string[]): string {
  const wrong: string[] = [];
  const walk = (node: PlanNode, limited: boolean) => {
    if (whole.includes(node['Subplan Name'] ?? '')) return;
    const scan = /Scan$/.test(node['Node Type']) && large.has(node['Relation Name'] ?? '');
    if (scan && node['Node Type'] === 'Seq Scan') wrong.push(`Seq Scan on ${node['Relation Name']}`);
    else if (scan && !limited && node['Plan Rows'] >= LARGE) wrong.push(`${node['Node Type']} of ${Math.round(node['Plan Rows'])} rows of ${node['Relation Name']} with no LIMIT over it`);
    if ((node['Node Type'] === 'Sort' || node['Node Type'] === 'Incremental Sort') && !cutBelow(node.Plans![0]) && node.Plans![0]['Plan Rows'] > SORT_LIMIT) {
      wrong.push(`${node['Node Type']} of ${Math.round(node.Plans![0]['Plan Rows'])} rows by ${node['Sort Key']?.join(', ')}`);
    }
    for (const child of node.Plans ?? []) {
      const apart = child['Parent Relationship'] === 'InitPlan' || child['Parent Relationship'] === 'SubPlan';
      walk(child, node['Node Type'] === 'Limit' || (limited && !READS_WHOLE.has(node['Node Type']) && !apart));
    }
  };
  walk(plan, false);
  return wrong.join('; ');
}

/** An incremental sort whose rows come in order of a timestamp column (`audit_log.occurred_at`). */
function presortedOnTime(node: PlanNode): boolean {
  const [key] = node['Presorted Key'] ?? [];
  const [table, column] = (key ?? '').replace(/"/g, '').split('.');
  return !!column && resources.get(table)?.field.get(column.replace(/ DESC$/, ''))?.type === 'timestamp';
}

function summary(plan: PlanNode): string {
  return [...nodes(plan)].map((n) => `${n['Node Type']}${n['Relation Name'] ? ` ${n['Relation Name']}` : ''} (${Math.round(n['Plan Rows'])})`).join(' > ');
}

/**
 * Plans and judges one list as the engine runs it: the page, and the total by the engine's count
 * strategy (the planner's estimate from COUNTED_BELOW rows, else an exact count, whose plan is judged too).
 */
async function check(name: string, resource: ResourceMeta, query: ListQuery, caller: Caller, failures: string[]): Promise<void> {
  const plan = planList(resource, query, caller);
  const page = planPage(plan, 0, PAGE);
  const pagePlan = await explain(page.text, page.values);
  const wrong = judge(pagePlan);
  if (wrong) failures.push(`${name}: ${wrong}\n    ${summary(pagePlan)}`);
  if (sizes.get(resource.name)! < COUNTED_BELOW) return;
  const top = await explain(`SELECT 1 ${plan.from}`, plan.params.values);
  const estimate = top['Plan Rows'];
  if (countsExactly({ rows: estimate, cost: top['Total Cost'] }, COUNTED_BELOW)) {
    const countPlan = await explain(`SELECT count(*) ${plan.from}`, plan.params.values);
    const countWrong = [...nodes(countPlan)].filter((n) => n['Node Type'].endsWith('Seq Scan') && large.has(n['Relation Name']!));
    if (countWrong.length) failures.push(`${name} (exact total, estimated ${Math.round(estimate)} rows): Seq Scan\n    ${summary(countPlan)}`);
  }
}

/** The most common value (or combination) of fields: the largest matching set, the hardest case. */
async function commonest(resource: ResourceMeta, fields: string[]): Promise<Record<string, unknown>> {
  const exprs = fields.map((f) => {
    const type = resource.field.get(f)!.type;
    // A timestamp is filtered by day (a date without a time names the whole day).
    return type === 'timestamp' ? `to_char("${f}", 'YYYY-MM-DD')` : type === 'date' ? `"${f}"::text` : type === 'json' ? `"${f}"::text` : `"${f}"`;
  });
  const { rows } = await client.query(
    `SELECT ${exprs.map((e, i) => `${e} AS v${i}`).join(', ')} FROM "${resource.name}" WHERE ${fields.map((f) => `"${f}" IS NOT NULL`).join(' AND ')}
      GROUP BY ${exprs.map((_, i) => i + 1).join(', ')} ORDER BY count(*) DESC LIMIT 1`,
  );
  return Object.fromEntries(fields.map((f, i) => [f, resource.field.get(f)!.type === 'json' ? JSON.parse(rows[0][`v${i}`]) : rows[0][`v${i}`]]));
}

function sortsOf(resource: ResourceMeta, caller: Caller): ListQuery['sort'][] {
  // The sorts the engine counts as index-served (plan/plan-list.ts, sortServed): the planner must agree.
  const indexes = sortIndexes.get(resource.name) ?? [];
  const fields = resource.fields.filter((f) => f.sortable && caller.sees(resource, f) && sortServed(indexes, f, new Set()));
  return fields.flatMap((f) => (['ASC', 'DESC'] as const).map((order) => ({ field: f.name, order })));
}

const DEFAULT_SORT = { field: 'id', order: 'DESC' } as const;
const admin = () => callers.get('Admin')!;

beforeAll(async () => {
  if (process.env.LIST_PLANS_DATABASE_URL) {
    db = await connect(process.env.LIST_PLANS_DATABASE_URL);
  } else {
    owned = await testDatabase();
    db = owned;
  }
  client = await db.pool.connect();
  resources = resolveResources(db.orm.getMetadata().getAll().values());
  if (owned) {
    const grown = ['student', 'claim', 'service', 'service_group', 'group_membership', 'file_metadata'];
    // The audit log at a tenth of the factor (the seed's rows, spread 3 days apart per copy):
    // copying its row images costs most of the load, and a tenth is already 100,000s of rows.
    await growDatabase(client, resources, { factors: { ...Object.fromEntries(grown.map((t) => [t, FACTOR])), audit_log: Math.ceil(FACTOR / 10) }, auditDaysPerCopy: 2 });
  }
  const { rows: relations } = await client.query(
    `SELECT c.relname, coalesce(p.relname, c.relname) AS parent, c.reltuples FROM pg_class c
       LEFT JOIN pg_inherits i ON i.inhrelid = c.oid LEFT JOIN pg_class p ON p.oid = i.inhparent
      WHERE c.relkind IN ('r', 'p') AND c.relnamespace = 'public'::regnamespace`,
  );
  // Large: a table of at least LARGE rows (all its partitions together), and each partition of a
  // large table but the nearly empty ones (a seq scan of an empty partition costs nothing).
  const totals = new Map<string, number>();
  for (const r of relations) if (r.parent !== r.relname) totals.set(r.parent, (totals.get(r.parent) ?? 0) + Math.max(0, Number(r.reltuples)));
  sizes = new Map(relations.map((r) => [r.relname as string, Math.max(Number(r.reltuples), totals.get(r.relname) ?? 0)]));
  large = new Set([...sizes].filter(([, n]) => n >= LARGE).map(([t]) => t));
  for (const r of relations) if (r.parent !== r.relname && large.has(r.parent) && Number(r.reltuples) >= SORT_LIMIT) large.add(r.relname);
  sortIndexes = await loadSortIndexes(db.pool);
  // One caller per role, from the demo users and the permission matrix as stored.
  const { rows: version } = await client.query(`SELECT version FROM permission_matrix_version`);
  const cache = new PermissionCache(db.pool);
  const { rows: users } = await client.query<SignedInUser>(
    `SELECT id, first_name, last_name, email, role, districts FROM app_user WHERE email = ANY($1)`,
    [['admin@demo.kcsos.invalid', 'practitioner@demo.kcsos.invalid', 'district.admin@demo.kcsos.invalid', 'support@demo.kcsos.invalid', 'supervisor@demo.kcsos.invalid']],
  );
  for (const user of users) {
    const role = roleNamed(user.role);
    const granted = new Set(await cache.granted(role, String(version[0].version)));
    // The matrix may grant a role any list its scope is declared for (practitioners do not list
    // claims by default, but an admin may let them): each such list is checked, granted or not.
    const kind = role?.scope;
    for (const r of resources.values()) if (kind && r.options.scopes?.[kind]) ['list', 'show'].forEach((a) => granted.add(`${r.name}.${a}`));
    callers.set(user.role, { caller: userCaller(user, role, granted, resources), granted });
  }
}, 900_000);

afterAll(async () => {
  client?.release();
  if (owned) await owned.drop();
  else await db?.close();
});

describe('list plans at production size', () => {
  it('the data is at production size', async () => {
    const { rows } = await client.query(`SELECT (SELECT count(*) FROM claim)::int AS claims, (SELECT count(*) FROM student)::int AS students`);
    expect(rows[0].claims).toBeGreaterThanOrEqual(900_000);
    expect(rows[0].students).toBeGreaterThanOrEqual(90_000);
    // And the checks can fail: the order this engine emitted before (NULLS LAST on a descending
    // sort) is a sort of every matching row, which judge() refuses.
    const claim = resources.get('claim')!;
    const plan = await explain(`SELECT * FROM claim WHERE status = $1 AND district = $2 ORDER BY service_date DESC NULLS LAST, id DESC LIMIT 25`, ['Paid', (await commonest(claim, ['district'])).district]);
    expect(judge(plan)).toMatch(/Sort of \d+ rows/);
    expect(judge(await explain(`SELECT * FROM claim WHERE status = $1 ORDER BY service_date DESC, id DESC LIMIT 25`, ['Paid']))).toBe('');
    expect(judge(await explain(`SELECT count(*) FROM claim WHERE location = '03 School'`, []))).toMatch(/Seq Scan on claim/);
  });

  it("serve every resource's default list (newest first) from an index", async () => {
    const failures: string[] = [];
    for (const resource of resources.values()) {
      await check(`${resource.name} by id DESC`, resource, { filter: {}, sort: DEFAULT_SORT, range: null }, admin().caller, failures);
    }
    expect(failures).toEqual([]);
  });

  it('serve each indexed field sorted both ways, with no sort of the matching rows', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const resource of resources.values()) {
      for (const sort of sortsOf(resource, admin().caller)) {
        await check(`${resource.name} by ${sort!.field} ${sort!.order}`, resource, { filter: {}, sort, range: null }, admin().caller, failures);
        checked++;
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('refuse, on a large table, each sort no index serves, naming those that are; answer it on a filtered few', async () => {
    // The sorts the rule counts as index-served are judged by the planner above (sortsOf); each
    // other sortable field of a large table must be refused.
    const engine = new ResourceEngine(db.pool, resources, { exactCountBelow: COUNTED_BELOW, sortIndexes });
    const caller = admin().caller;
    const failures: string[] = [];
    let refused = 0;
    for (const resource of resources.values()) {
      if (!large.has(resource.name)) continue;
      for (const field of resource.fields.filter((f) => f.sortable && caller.sees(resource, f))) {
        if (sortServed(sortIndexes.get(resource.name) ?? [], field, new Set())) continue;
        const query: ListQuery = { filter: {}, sort: { field: field.name, order: 'DESC' }, range: { start: 0, end: PAGE - 1 } };
        const answer = await engine.list(resource, query, caller).then(() => null, (e: unknown) => e);
        if (answer instanceof AppError && answer.code === 'BAD_REQUEST' && answer.errors?.sort) refused++;
        else failures.push(`${resource.name} by ${field.name}: no index serves it, yet ${answer ? `it failed: ${String(answer)}` : 'it was answered'}`);
      }
    }
    expect(failures).toEqual([]);
    expect(refused).toBeGreaterThan(10);
    // The refusal says why and what sorts instead.
    const claim = resources.get('claim')!;
    const byAmount = { field: 'billed_amount', order: 'DESC' } as const;
    const refusal = await engine.list(claim, { filter: {}, sort: byAmount, range: { start: 0, end: PAGE - 1 } }, caller).then(() => null, (e: unknown) => e as AppError);
    expect(refusal?.message).toMatch(/cannot be sorted by Billed amount across about [\d,]+ rows.*or sort by .*Service date/);
    // A filter that leaves fewer rows than UNINDEXED_SORT_MAX: sorted and answered (one student's claims).
    const { student_ssid: ssid } = await commonest(claim, ['student_ssid']);
    const { rows: [{ n }] } = await client.query(`SELECT count(*)::int AS n FROM claim WHERE student_ssid = $1`, [ssid]);
    expect(n).toBeLessThan(UNINDEXED_SORT_MAX);
    const { rows: oracle } = await client.query(`SELECT id FROM claim WHERE student_ssid = $1 ORDER BY billed_amount DESC, id DESC LIMIT ${PAGE}`, [ssid]);
    expect(oracle.length).toBeGreaterThan(1);
    const few = await engine.list(claim, { filter: { student_ssid: ssid }, sort: byAmount, range: { start: 0, end: PAGE - 1 } }, caller);
    expect(few.rows.map((r) => Number(r.id))).toEqual(oracle.map((r) => Number(r.id)));
  });

  it('serve the declared common filters with the default and every indexed sort', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const resource of resources.values()) {
      for (const fields of resource.options.commonFilters ?? []) {
        const filter = await commonest(resource, fields);
        for (const sort of [DEFAULT_SORT, ...sortsOf(resource, admin().caller)]) {
          await check(`${resource.name} where ${JSON.stringify(filter)} by ${sort!.field} ${sort!.order}`, resource, { filter, sort, range: null }, admin().caller, failures);
          checked++;
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it("serve each scoped role's lists, newest and oldest first, with their totals", async () => {
    const failures: string[] = [];
    const scoped: [string, 'own' | 'district'][] = [['Practitioner', 'own'], ['District Admin', 'district']];
    let checked = 0;
    const lists = new Set<string>();
    for (const [role, kind] of scoped) {
      const { caller, granted } = callers.get(role)!;
      for (const resource of resources.values()) {
        if (!resource.options.scopes?.[kind] || !granted.has(`${resource.name}.list`)) continue;
        lists.add(`${role}: ${resource.name}`);
        const listed = new Set(resource.listFields);
        const sorts = [DEFAULT_SORT, { field: 'id', order: 'ASC' } as const, ...sortsOf(resource, caller).filter((s) => listed.has(s!.field))];
        for (const sort of sorts) {
          await check(`${role}: ${resource.name} by ${sort!.field} ${sort!.order}`, resource, { filter: {}, sort, range: null }, caller, failures);
          checked++;
        }
        for (const fields of resource.options.commonFilters ?? []) {
          const filter = await commonest(resource, fields);
          await check(`${role}: ${resource.name} where ${JSON.stringify(filter)} by id DESC`, resource, { filter, sort: DEFAULT_SORT, range: null }, caller, failures);
        }
        // A large scoped list is totalled from the planner's estimate, never counted row by row.
        if (sizes.get(resource.name)! >= COUNTED_BELOW) {
          const plan = planList(resource, { filter: {}, sort: null, range: null }, caller);
          const top = await explain(`SELECT 1 ${plan.from}`, plan.params.values);
          const { rows } = await client.query(`SELECT count(*)::int AS n ${plan.from}`, plan.params.values);
          if (rows[0].n >= 2 * COUNTED_BELOW && countsExactly({ rows: top['Plan Rows'], cost: top['Total Cost'] }, COUNTED_BELOW)) {
            failures.push(`${role}: ${resource.name} total estimated at ${Math.round(top['Plan Rows'])} of ${rows[0].n} rows: counted exactly`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(10);
    for (const list of ['Practitioner: claim', 'Practitioner: student', 'District Admin: claim', 'District Admin: student']) expect(lists).toContain(list);
  });

  it("serve each resource's search (`q`) and the search box, for every role, from indexes", async () => {
    // The resources the search box covers (logs and services, free text without an index, declare
    // `crossSearch: false`). A term from the data for each searched field: a code's start
    // (identifiers match by their start), four letters of a name (anywhere, by trigrams). Each list by `q`, newest first and
    // by each listed field's indexed sort, with its total; and the search box's one statement over every resource
    // the caller may search (server/engine/search/search-all.ts), judged as a page.
    const failures: string[] = [];
    const terms = new Map<ResourceMeta, string[]>();
    for (const resource of [...resources.values()].filter((r) => r.options.crossSearch !== false)) {
      const own: string[] = [];
      for (const f of resource.fields.filter((x) => x.searchable && x.type === 'text')) {
        const { rows } = await client.query(`SELECT "${f.name}" AS v FROM "${resource.name}" WHERE length("${f.name}") >= 6 ORDER BY id DESC LIMIT 1`);
        if (rows[0]) own.push(f.identifier ? rows[0].v.slice(0, -2) : rows[0].v.slice(0, 4));
      }
      terms.set(resource, own);
    }
    let checked = 0;
    let matchesFirst = 0;
    for (const [role, { caller, granted }] of callers) {
      for (const [resource, own] of terms) {
        if (!granted.has(`${resource.name}.list`)) continue;
        for (const q of own) {
          const listed = new Set(resource.listFields);
          for (const sort of [DEFAULT_SORT, ...sortsOf(resource, caller).filter((x) => listed.has(x!.field))]) {
            const name = `${role}: ${resource.name} q=${q} by ${sort!.field} ${sort!.order}`;
            await check(name, resource, { filter: { q }, sort, range: null }, caller, failures);
            checked++;
            // A search expected to match few rows is read as its matches first (resource-reader.ts):
            // that page is judged too, and must hold the same rows in the same order.
            const plan = planList(resource, { filter: { q }, sort, range: null }, caller);
            if ((await explain(`SELECT 1 ${plan.from}`, plan.params.values))['Plan Rows'] >= FEW_MATCHES) continue;
            const few = planMatchesPage(plan, 0, PAGE);
            const wrong = judge(await explain(few.text, few.values));
            if (wrong) failures.push(`${name}, matches first: ${wrong}`);
            matchesFirst++;
            if (sort !== DEFAULT_SORT) continue;
            const usual = planPage(plan, 0, PAGE);
            const [a, b] = [await client.query(few.text, few.values), await client.query(usual.text, usual.values)];
            if (JSON.stringify(a.rows.map((r) => r.id)) !== JSON.stringify(b.rows.map((r) => r.id))) failures.push(`${name}, matches first: other rows`);
          }
        }
      }
      const box = searchable(resources.values(), caller);
      for (const q of new Set([...terms.values()].flat())) {
        if (q.length < 3) continue;
        const { text, values } = planSearch(box, q, caller);
        // Each part is read only up to its 6th row: a sequential scan of a part that matches a
        // hundredth of its table or more (a code's common start) meets them in a few hundred rows.
        const plan = await explain(text, values);
        const dense = (n: PlanNode) => n['Node Type'] === 'Seq Scan' && n['Plan Rows'] * 100 >= (sizes.get(n['Relation Name']!) ?? Infinity);
        const scans = [...nodes(plan)].filter((n) => n['Node Type'].endsWith('Seq Scan') && large.has(n['Relation Name']!) && !dense(n));
        const sorts = judge(plan).split('; ').filter((w) => / Sort of /.test(` ${w}`));
        const wrong = [...scans.map((n) => `Seq Scan on ${n['Relation Name']}`), ...sorts].join('; ');
        if (wrong) failures.push(`${role}: search box q=${q}: ${wrong}\n    ${summary(plan)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(50);
    expect(matchesFirst).toBeGreaterThan(5);
    expect([...terms].filter(([r, t]) => ['claim', 'student'].includes(r.name) && t.length >= 3)).toHaveLength(2);
  }, 240_000);

  it('serve each list as of a day in the last month, sorted by id both ways, for every role, from indexes', async () => {
    // Time travel (server/audit/as-of.query.ts): each row now is mapped to its state then by its
    // first event since (audit_log's (table_name, record_pk)); the records born and deleted since
    // come from the log's partial index of inserts and deletions; a page reads a page of rows, not
    // the events since the moment.
    const day = new Date(Date.now() - 15 * 86_400_000).toISOString().slice(0, 10);
    const moment = { text: day, dateOnly: true };
    const failures: string[] = [];
    let checked = 0;
    let generics = 0;
    for (const [role, { caller, granted }] of callers) {
      for (const resource of resources.values()) {
        if (!granted.has(`${resource.name}.list`) || (resource.options.audited === false && !resource.options.appendOnlyAt)) continue;
        for (const order of ['DESC', 'ASC'] as const) {
          const plan = planListAsOf(resource, { filter: {}, sort: { field: 'id', order }, range: { start: 0, end: PAGE - 1 } }, moment, caller);
          const pagePlan = await explain(plan.text, plan.values);
          const wrong = judge(pagePlan);
          if (wrong) failures.push(`${role}: ${resource.name} as of ${day} by id ${order}: ${wrong}\n    ${summary(pagePlan)}`);
          checked++;
          // A page by id runs with its generic plan (as-of.list.ts): that plan, for any moment and page.
          if (plan.byId) {
            const generic = await explainGeneric(plan.text);
            const wrongly = judgeGeneric(generic, AS_OF_WHOLE);
            if (wrongly) failures.push(`${role}: ${resource.name} as of ${day} by id ${order}, generic plan: ${wrongly}\n    ${summary(generic)}`);
            generics++;
          }
        }
      }
      // The claims' common filters, newest first, as of that day.
      const claim = resources.get('claim')!;
      if (!granted.has('claim.list')) continue;
      for (const fields of claim.options.commonFilters ?? []) {
        const filter = await commonest(claim, fields);
        const plan = planListAsOf(claim, { filter, sort: DEFAULT_SORT, range: { start: 0, end: PAGE - 1 } }, moment, caller);
        const wrong = judge(await explain(plan.text, plan.values));
        if (wrong) failures.push(`${role}: claim where ${JSON.stringify(filter)} as of ${day}: ${wrong}`);
        const wrongly = plan.byId ? judgeGeneric(await explainGeneric(plan.text), AS_OF_WHOLE) : '';
        if (wrongly) failures.push(`${role}: claim where ${JSON.stringify(filter)} as of ${day}, generic plan: ${wrongly}`);
      }
    }
    // A filter on the rows as they stood has no statistics: these plans hold because the page puts
    // it to the planner as a condition of unknown selectivity (as-of.query.ts, cut), so it walks the
    // key in order instead of mapping and sorting every row (a practitioner's claims, a district's).
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(50);
    expect(generics).toBeGreaterThan(20);
  });

  /** The ids of the newest claims a filter keeps now (the engine's own planner, as admin). */
  const newestIds = async (filter: Record<string, unknown>): Promise<number[]> => {
    const plan = planList(resources.get('claim')!, { filter, sort: DEFAULT_SORT, range: null }, admin().caller);
    const page = planPage(plan, 0, 3);
    return (await client.query(page.text, page.values)).rows.map((r) => Number(r.id));
  };

  it('answer a filtered list as of a day alike by walking the key and from the events since, whichever the engine takes', async () => {
    // The two ways an as-of page by id can be read (as-of.query.ts, walkOrEvents) give the same
    // rows; the engine's answer, which picks one from the planner's estimates, is those rows too.
    const claim = resources.get('claim')!;
    // One after another: they share the test's one connection.
    const filters: Record<string, unknown>[] = [];
    for (const fields of claim.options.commonFilters ?? []) filters.push(await commonest(claim, fields));
    let moment = { text: new Date(Date.now() - 15 * 86_400_000).toISOString().slice(0, 10), dateOnly: true };
    if (owned) {
      // On the test's own database, the newest claims of each filter change after the moment (an
      // edit, a deletion), so each page holds rows only the log can give back as they stood.
      moment = { text: (await client.query(`SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS t`)).rows[0].t, dateOnly: false };
      const system = await ensureSystemUser(db.pool);
      for (const filter of filters) {
        const newest = await newestIds(filter);
        await inUnitOfWork(db.pool, { userId: system, reason: 'list plans: changes after the moment' }, async (tx) => {
          await tx.query(`UPDATE claim SET carelon_id = 'AS-OF-TEST' WHERE id = $1`, [newest[0]]);
          await tx.query(`DELETE FROM claim WHERE id = ANY($1::bigint[])`, [newest.slice(1, 3)]);
        });
      }
    }
    const engine = new ResourceEngine(db.pool, resources, { exactCountBelow: COUNTED_BELOW, sortIndexes });
    const ids = async (query: ListQuery, sparse: boolean) => {
      const plan = planListAsOf(claim, query, moment, admin().caller, undefined, sparse);
      return (await client.query(plan.text, plan.values)).rows.map((r) => Number(r.id));
    };
    let walked = 0;
    for (const filter of filters) {
      const query: ListQuery = { filter, sort: DEFAULT_SORT, range: { start: 0, end: PAGE - 1 } };
      const answered = (await listAsOf(engine, claim, query, moment, admin().caller)).rows.map((r) => Number(r.id));
      const fromEvents = await ids(query, true);
      expect([filter, answered]).toEqual([filter, fromEvents]);
      expect([filter, answered.length > 0]).toEqual([filter, true]);
      // The walk is compared where it is cheap: a filter keeping 1 % of the claims or more (a
      // student's few would walk all million).
      const now = planList(claim, { ...query, sort: null }, admin().caller);
      const estimate = (await explain(`SELECT 1 ${now.from}`, now.params.values))['Plan Rows'];
      if (estimate < (sizes.get('claim') ?? 0) / 100) continue;
      expect([filter, await ids(query, false)]).toEqual([filter, fromEvents]);
      walked++;
    }
    expect(walked).toBeGreaterThan(0);
  }, 120_000);
});
