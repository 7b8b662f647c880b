import type { Pool } from 'pg';
import { allowed } from '../../auth/authorize.js';
import { badRequest } from '../../errors/app-error.js';
import type { Caller } from '../caller.js';
import type { ResourceMeta } from '../metadata/resource-meta.js';
import { fillTemplate, templateFields } from '../metadata/template.js';
import { planList } from '../plan/plan-list.js';
import { ident, Params } from '../plan/sql.js';

interface SearchHit {
  id: number;
  label: string;
}

interface SearchGroup {
  resource: string;
  label: string;
  hits: SearchHit[];
  /** More rows matched than are shown: the list filtered by `q` has them all. */
  more: boolean;
}

export interface SearchAnswer {
  q: string;
  groups: SearchGroup[];
  /** Resources whose part took longer than the budget and were left out. */
  incomplete: string[];
}

/** At most this many hits per resource: the box is for finding one record, the list for browsing. */
const HITS_PER_RESOURCE = 5;
/**
 * A search is this many statements, run at once (each on its own connection of the search pool),
 * each holding its share of the resources. Measured at a million claims (README), a whole search:
 * 3-5 ms as one statement, 5-14 ms as two or three, 10-20 ms as one per resource (16): once each
 * part is an index range scan, the round trips and plans cost more than the parts.
 */
const STATEMENTS = 1;
/** Three characters: the trigram indexes find nothing shorter, and a scan of every row would. */
const MIN_LENGTH = 3;

/**
 * Whether a resource is in the search across tables: as it declares, else every resource but the
 * append-only logs (`appendOnlyAt`), which grow with every request or sign-in, have their own
 * browser and no trigram index (the sign-in log was searched by a scan of every event).
 */
const crossSearched = (r: ResourceMeta) => r.options.crossSearch ?? !r.options.appendOnlyAt;

/** The resources a caller's search goes over: those they may list, with a field their `q` searches. */
export function searchable(resources: Iterable<ResourceMeta>, caller: Caller): ResourceMeta[] {
  return [...resources].filter((r) => crossSearched(r) && allowed(caller, r, 'list') && r.fields.some((f) => f.searchable && caller.sees(r, f)));
}

/** The search text, checked as a list's `q` is, and at least MIN_LENGTH characters. */
export function parseSearchTerm(raw: unknown): string {
  if (typeof raw !== 'string') throw badRequest('Send the search text as "q"', { q: 'is required' });
  const q = raw.trim();
  if (q.length < MIN_LENGTH) throw badRequest(`Search for at least ${MIN_LENGTH} characters`, { q: 'too short' });
  return q;
}

/**
 * One resource's part: its list filtered by `q` (plan/plan-list.ts: its searched fields, the id,
 * the caller's field visibility and row scope, exactly as the list's search box), the few first
 * rows as their representation. No sort: the first matches found are enough.
 *
 * Each part is a materialized CTE, planned apart from the LIMIT (`OFFSET 0` was not enough: the
 * LIMIT's fraction reaches a subquery): with the LIMIT in view, PostgreSQL expected to meet 6 of a
 * claim number's 398 estimated matches early in a sequential scan and read all million claims for
 * the one there is (4.9 s); planned for every match, it reads them from the indexes. A CTE is read
 * on demand, so the LIMIT still stops at the seventh row.
 */
function planPart(resource: ResourceMeta, q: string, caller: Caller, params: Params, name: string) {
  const plan = planList(resource, { filter: { q }, sort: null, range: null }, caller, params);
  const shown = ['id', ...templateFields(resource.representation)].filter((field) => {
    const f = resource.field.get(field);
    return !!f && plan.visible(f);
  });
  return { cte: `${ident(name)} AS MATERIALIZED (SELECT ${[...new Set(shown)].map(ident).join(', ')} ${plan.from})`, name };
}

/** One statement over several resources: each part's first rows, tagged by the part's position. */
export function planSearch(resources: ResourceMeta[], q: string, caller: Caller): { text: string; values: unknown[] } {
  const params = new Params();
  const parts = resources.map((r, i) => planPart(r, q, caller, params, `p${i}`));
  const limit = params.add(HITS_PER_RESOURCE + 1, 'integer');
  const selects = parts.map((p, i) => `(SELECT ${i} AS "part", to_jsonb(${ident(p.name)}) AS "row" FROM ${ident(p.name)} LIMIT ${limit})`);
  return { text: `WITH ${parts.map((p) => p.cte).join(', ')} ${selects.join(' UNION ALL ')}`, values: params.values };
}

/** The resources dealt into STATEMENTS statements, round robin. */
export function searchStatements(resources: ResourceMeta[], q: string, caller: Caller) {
  const shares = Array.from({ length: Math.min(STATEMENTS, resources.length) }, (_, k) => resources.filter((_r, i) => i % STATEMENTS === k));
  return shares.map((share) => ({ resources: share, ...planSearch(share, q, caller) }));
}

/**
 * Every searchable resource, in a few statements at once on the search pool (whose statement
 * timeout is the budget of one statement). A statement that runs out of time leaves its resources
 * out, named, not a failure of the whole search.
 */
export async function searchAll(pool: Pool, resources: ResourceMeta[], q: string, caller: Caller): Promise<SearchAnswer & { found: Map<ResourceMeta, number[]> }> {
  const rows: Record<string, unknown>[][] = resources.map(() => []);
  const incomplete: string[] = [];
  await Promise.all(
    searchStatements(resources, q, caller).map(async (statement) => {
      try {
        for (const { part, row } of (await pool.query(statement.text, statement.values)).rows) rows[resources.indexOf(statement.resources[part])].push(row);
      } catch (error) {
        // 57014: cancelled by the pool's statement timeout (the budget).
        if ((error as { code?: string }).code !== '57014') throw error;
        incomplete.push(...statement.resources.map((r) => r.name));
      }
    }),
  );
  const found = new Map<ResourceMeta, number[]>();
  const groups = resources.map((resource, i) => {
    const hits = rows[i].slice(0, HITS_PER_RESOURCE).map((row) => ({ id: Number(row.id), label: String(fillTemplate(resource.representation, row) ?? `#${row.id}`) }));
    if (hits.length) found.set(resource, hits.map((h) => h.id));
    return { resource: resource.name, label: resource.label, hits, more: rows[i].length > HITS_PER_RESOURCE };
  });
  return { q, groups: groups.filter((g) => g.hits.length > 0), incomplete, found };
}
