import type { Pool } from 'pg';
import { allowed } from '../../auth/authorize.js';
import { badRequest } from '../../errors/app-error.js';
import type { Caller } from '../caller.js';
import type { ResourceMeta } from '../metadata/resource-meta.js';
import { fillTemplate, templateFields } from '../metadata/template.js';
import { planList } from '../plan/plan-list.js';
import { ident } from '../plan/sql.js';

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
/** This many resources are searched at once (each on its own connection of the search pool). */
const AT_ONCE = 3;
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
 * The search is planned as a materialized CTE, apart from the LIMIT (`OFFSET 0` was not enough: the
 * LIMIT's fraction reaches a subquery): with the LIMIT in view, PostgreSQL expected to meet 6 of a
 * claim number's 398 estimated matches early in a sequential scan and read all million claims for
 * the one there is (4.9 s); planned for every match, it reads them from the trigram indexes (a few
 * ms). The CTE is read on demand, so the LIMIT still stops at the seventh row.
 */
export function planSearch(resource: ResourceMeta, q: string, caller: Caller) {
  const plan = planList(resource, { filter: { q }, sort: null, range: null }, caller);
  const shown = ['id', ...templateFields(resource.representation)].filter((name) => {
    const f = resource.field.get(name);
    return !!f && plan.visible(f);
  });
  const columns = [...new Set(shown)].map(ident).join(', ');
  return { text: `WITH found AS MATERIALIZED (SELECT ${columns} ${plan.from}) SELECT * FROM found LIMIT ${plan.params.add(HITS_PER_RESOURCE + 1, 'integer')}`, values: plan.params.values };
}

/**
 * Every searchable resource's part, a few at a time on the search pool (whose statement timeout is
 * the budget of one part). A part that runs out of time is left out and named, not a failure of
 * the whole search.
 */
export async function searchAll(pool: Pool, resources: ResourceMeta[], q: string, caller: Caller): Promise<SearchAnswer & { found: Map<ResourceMeta, number[]> }> {
  const groups: (SearchGroup | null)[] = resources.map(() => null);
  const incomplete: string[] = [];
  const found = new Map<ResourceMeta, number[]>();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < resources.length; i = next++) {
      const resource = resources[i];
      const { text, values } = planSearch(resource, q, caller);
      try {
        const rows = (await pool.query(text, values)).rows;
        const hits = rows.slice(0, HITS_PER_RESOURCE).map((row) => ({ id: Number(row.id), label: String(fillTemplate(resource.representation, row) ?? `#${row.id}`) }));
        if (hits.length) found.set(resource, hits.map((h) => h.id));
        groups[i] = { resource: resource.name, label: resource.label, hits, more: rows.length > HITS_PER_RESOURCE };
      } catch (error) {
        // 57014: cancelled by the pool's statement timeout (the part's budget).
        if ((error as { code?: string }).code !== '57014') throw error;
        incomplete.push(resource.name);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, resources.length) }, worker));
  return { q, groups: groups.filter((g): g is SearchGroup => !!g && g.hits.length > 0), incomplete, found };
}
