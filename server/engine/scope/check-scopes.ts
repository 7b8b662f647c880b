import { roles } from '../../schema/roles.js';
import type { ScopeKind } from '../../schema/matrix-terms.js';
import type { ScopeCondition } from '../../schema/scope.js';
import type { ResourceMeta } from '../metadata/resource-meta.js';
import { parseValue } from '../types/column-types.js';
import { followedScope, viaKey } from './scope-sql.js';

/**
 * Checks every declared row scope against the metadata at boot: each field it names exists, each
 * `via` reaches a resource and key that exist, a constant is a valid value of its column, and a
 * `via` that follows the other resource's scope finds one there (without looping back). A wrong
 * declaration stops the server here, never a request.
 */
export function checkScopes(resources: Map<string, ResourceMeta>): void {
  const kinds = new Set(roles().flatMap((r) => (r.scope ? [r.scope] : [])));
  for (const resource of resources.values()) {
    const { scopes, writeScope } = resource.options;
    for (const [kind, condition] of Object.entries(scopes ?? {})) {
      if (kind !== 'every' && !kinds.has(kind as ScopeKind)) throw new Error(`${resource.name}: scope "${kind}" is not the scope kind of any role`);
      if (condition) check(condition, resource, kind === 'every' ? undefined : (kind as ScopeKind), resources, [resource.name]);
    }
    if (writeScope) check(writeScope, resource, undefined, resources, [resource.name]);
  }
}

function check(condition: ScopeCondition, resource: ResourceMeta, kind: ScopeKind | undefined, resources: Map<string, ResourceMeta>, path: string[]): void {
  const where = `${path.join(' -> ')} scope`;
  if ('all' in condition || 'any' in condition) {
    const parts = 'all' in condition ? condition.all : condition.any;
    if (parts.length === 0) throw new Error(`${where}: an empty all/any`);
    for (const c of parts) check(c, resource, kind, resources, path);
    return;
  }
  const field = resource.field.get(condition.field);
  if (!field) throw new Error(`${where} names unknown field "${condition.field}"`);
  if ('overlaps' in condition && field.type !== 'text[]') throw new Error(`${where}: "${field.name}" is not a list of districts`);
  if ('equals' in condition) {
    const parsed = parseValue(field, condition.equals, 'write');
    if (!parsed.ok) throw new Error(`${where}: ${field.name} ${parsed.why}`);
  }
  if (!('via' in condition) && !('allVia' in condition)) return;
  const targetName = 'via' in condition ? condition.via : condition.allVia;
  const target = resources.get(targetName);
  if (!target) throw new Error(`${where}: "${field.name}" reaches unknown resource "${targetName}"`);
  if ('allVia' in condition && field.type !== 'bigint[]') throw new Error(`${where}: "${field.name}" is not a list of ids`);
  if (!target.field.has(viaKey(field, targetName))) throw new Error(`${where}: ${targetName} has no key ${viaKey(field, targetName)}`);
  if (path.includes(targetName)) throw new Error(`${where}: reaches ${targetName} in a loop`);
  const inner = followedScope(target, kind, condition.where);
  if (!inner) throw new Error(`${where}: "${field.name}" follows ${targetName}'s ${kind ?? 'every'} scope, which it does not declare`);
  check(inner, target, kind, resources, [...path, targetName]);
}
