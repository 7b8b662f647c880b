import type { Caller } from '../engine/caller.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import { templateFields } from '../engine/metadata/template.js';
import { allowed } from './authorize.js';

/**
 * Labels of a resource's rows (the fields its representation names, and the keys other tables
 * refer to it by) for a caller who may not list it but may show a record referring to it: a
 * support user sees "Practitioner: Ana Ortiz" on a student, and can pick another, without reading
 * any other field of app_user. The caller's row scope on the resource still applies.
 */
export function mayReadLabels(caller: Caller, resource: ResourceMeta, all: Map<string, ResourceMeta>): boolean {
  if (allowed(caller, resource, 'list')) return true;
  return resource.referencedBy.some((r) => {
    const from = all.get(r.resource);
    return !!from && allowed(caller, from, 'show') && caller.sees(from, from.field.get(r.field)!);
  });
}

/** The fields a label shows: id, the representation's placeholders, and the keys referred to. */
function labelFields(resource: ResourceMeta): Set<string> {
  const names = new Set(['id', ...templateFields(resource.representation)]);
  for (const r of resource.referencedBy) names.add(r.key);
  return names;
}

/** The caller, seeing only a resource's label fields (lists, filters, `q` and sorting follow). */
export function labelsCaller(caller: Caller, resource: ResourceMeta): Caller {
  const shown = labelFields(resource);
  return { ...caller, sees: (r, field) => caller.sees(r, field) && (r !== resource || shown.has(field.name)) };
}
