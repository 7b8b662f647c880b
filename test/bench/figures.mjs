// The dashboard's figures and the search box, for the benchmark: each planned by the product's own
// planners for a caller of a role (so the baseline runs exactly the product's SQL), with the
// product's request for it.
import { parseAggregateQuery, planAggregate } from '../../dist/server/engine/aggregate/plan-aggregate.js';
import { searchable, searchStatements } from '../../dist/server/engine/search/search-all.js';
import { DASHBOARD } from '../../dist/server/schema/dashboard.js';

const enc = (v) => encodeURIComponent(JSON.stringify(v));

/** Every declared figure but the recent-actions list, for each role given that may see it. */
export function figureQueries(resources, callers) {
  const today = new Date().toISOString().slice(0, 10);
  const out = {};
  for (const [role, caller] of Object.entries(callers)) {
    for (const section of DASHBOARD) {
      if (section.needs && !caller.can(section.needs)) continue;
      for (const f of section.figures) {
        if (f.chart === 'recent') continue;
        const resource = resources.get(f.resource);
        if (!caller.can(`${f.resource}.list`)) continue;
        const filter = f.filter?.(today) ?? {};
        const group = f.group ?? [];
        const sum = f.sum ?? [];
        const plan = planAggregate(resource, parseAggregateQuery({ group, sum }, filter), caller);
        const query = [`filter=${enc(filter)}`, group.length ? `group=${enc(group)}` : '', sum.length ? `sum=${enc(sum)}` : ''].filter(Boolean).join('&');
        out[`${role}:${f.id}`] = { role, title: f.title, path: `/${f.resource}/aggregate?${query}`, text: plan.text, values: plan.values };
      }
    }
  }
  return out;
}

/** A search's statements (each over a share of the searchable resources), as the product runs them for this caller. */
export function searchQueries(resources, caller, term) {
  return searchStatements(searchable(resources.values(), caller), term, caller).map((s) => ({ resources: s.resources.map((r) => r.name), text: s.text, values: s.values }));
}
