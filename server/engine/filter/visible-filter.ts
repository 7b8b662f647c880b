import type { Caller } from '../caller.js';
import type { ResourceMeta } from '../metadata/resource-meta.js';
import { operatorKey } from '../../../contract/filters.js';

/**
 * A stored list filter (`{"insurance_policy_number": "…", "service_date_gte": "…", "q": "…"}`) cut
 * to what this caller may see: a key naming a field of `resource` the caller does not see (itself
 * or with an operator suffix) is left out, and so is the whole filter of a table the caller does not
 * know. Other keys (the search text, named filters, a saved view's keys that name no field) stay.
 */
export function visibleFilter(resource: ResourceMeta | undefined, filter: unknown, caller: Caller): unknown {
  if (!filter || typeof filter !== 'object' || Array.isArray(filter)) return filter ?? null;
  if (!resource) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter as Record<string, unknown>)) {
    const named = [resource.field.get(key), resource.field.get(operatorKey(key)?.field ?? '')];
    if (named.every((field) => !field || caller.sees(resource, field))) out[key] = value;
  }
  return out;
}

/**
 * A stored row of `resource` (an audit image, a history's before or after) with each column that
 * holds a list filter of another table (`recordFilters`) cut as above: the row's other values are
 * the caller's business (its fields are cut by visibility where it is shown).
 */
export function visibleFilters(resources: Map<string, ResourceMeta>, resource: ResourceMeta | undefined, row: Record<string, unknown>, caller: Caller): Record<string, unknown> {
  const filters = resource?.options.recordFilters;
  if (!filters) return row;
  const target = resources.get(String(row[filters.table]));
  const out = { ...row };
  for (const column of filters.columns) if (column in out) out[column] = visibleFilter(target, out[column], caller);
  return out;
}
