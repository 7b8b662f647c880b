import type { Caller } from '../caller.js';
import type { ResourceMeta } from '../metadata/resource-meta.js';

const SUFFIX = /^(.+)_(gte|lte|gt|lt|neq|like|null)$/;

/**
 * A stored list filter (`{"insurance_policy_number": "…", "service_date_gte": "…", "q": "…"}`) cut
 * to what this caller may see: keys naming a field of `resource` the caller sees, and the search
 * text. Any other key, and the whole filter of a table the caller does not know, is left out.
 */
export function visibleFilter(resource: ResourceMeta | undefined, filter: unknown, caller: Caller): unknown {
  if (!filter || typeof filter !== 'object' || Array.isArray(filter)) return filter ?? null;
  if (!resource) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter as Record<string, unknown>)) {
    if ((key === 'q' || resource.options.namedFilters?.[key]) && !resource.field.has(key)) {
      out[key] = value;
      continue;
    }
    const field = resource.field.get(key) ?? resource.field.get(SUFFIX.exec(key)?.[1] ?? '');
    if (field && caller.sees(resource, field)) out[key] = value;
  }
  return out;
}
