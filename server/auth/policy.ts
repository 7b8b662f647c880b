import type { Caller, ScopePurpose } from '../engine/caller.js';
import type { FieldMeta, ResourceMeta } from '../engine/metadata/resource-meta.js';
import { ident, type Params } from '../engine/plan/sql.js';
import { pinnedFields, scopeSql } from '../engine/scope/scope-sql.js';
import type { ScopeCondition } from '../schema/scope.js';
import type { RoleDeclaration } from '../schema/roles.js';

export interface SignedInUser {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  role: string;
  districts: string[] | null;
}

/**
 * The engine's Caller for a signed-in user: permissions from the matrix as stored, row scopes and
 * field rules from the resources' declarations. Nothing here names a table.
 */
export function userCaller(user: SignedInUser, role: RoleDeclaration | undefined, granted: Set<string>, resources: Map<string, ResourceMeta>): Caller {
  const scopeKind = role?.scope;
  const subject = { user: user.id, districts: user.districts ?? [], role: user.role };
  /** The declared conditions that apply to this caller's role on a resource (all must hold). */
  const conditions = (resource: ResourceMeta, purpose: ScopePurpose): ScopeCondition[] => {
    const scopes = resource.options.scopes;
    const out = [scopes?.every, scopeKind ? scopes?.[scopeKind] : undefined];
    if (purpose === 'write') out.push(resource.options.writeScope);
    return out.filter((c): c is ScopeCondition => !!c);
  };
  const condition = (resource: ResourceMeta, purpose: ScopePurpose, params: Params, from?: (table: string) => string): string | null => {
    const all = conditions(resource, purpose);
    const ctx = { kind: scopeKind, subject, params, resources, from };
    return all.length ? all.map((c) => `(${scopeSql(c, resource, ctx)})`).join(' AND ') : null;
  };

  /**
   * Rows holding images of other tables' rows (the audit log) are visible only for tables the caller
   * may show, and, for a scoped role, only for records now in its scope there. Events of tables the
   * engine does not serve (credentials) are for permission.manage alone.
   */
  const imageScope = (resource: ResourceMeta, images: NonNullable<ResourceMeta['options']['recordImages']>, params: Params) => {
    const table = ident(images.table);
    const unscoped: string[] = [];
    const parts: string[] = [];
    for (const other of resources.values()) {
      if (other === resource || !granted.has(`${other.name}.show`)) continue;
      if (conditions(other, 'read').length === 0) unscoped.push(other.name);
      else parts.push(`(${table} = ${params.add(other.name, 'text')} AND (${ident(images.pk)}->>'id')::bigint IN (SELECT id FROM ${ident(other.name)} WHERE ${condition(other, 'read', params)}))`);
    }
    parts.push(`${table} = ANY(${params.add(unscoped, 'text[]')})`);
    if (granted.has('permission.manage')) parts.push(`NOT ${table} = ANY(${params.add([...resources.keys()], 'text[]')})`);
    return parts.join(' OR ');
  };
  /** Fields a read scope pins to the caller (their own id, one of their districts), with the values it allows. */
  const scopeChoices = (resource: ResourceMeta): Record<string, unknown[]> => {
    const pins = conditions(resource, 'read').flatMap(pinnedFields);
    return Object.fromEntries(pins.map((p) => [p.field, p.to === 'user' ? [user.id] : subject.districts]));
  };
  return {
    userId: user.id,
    can: (permission) => granted.has(permission),
    sees: (resource: ResourceMeta, field: FieldMeta) => !field.secret && (!field.sensitive || granted.has(`${resource.name}.sensitive`)),
    refusesWrite(resource, field, record) {
      const needs = resource.options.fieldPermissions?.[field.name];
      if (needs && !granted.has(needs)) return `can only be changed with the ${needs} permission`;
      if (record && record.id === user.id && resource.options.selfProtected?.includes(field.name)) return 'cannot be changed on your own account';
      return null;
    },
    scopeChoices,
    // What has only one possible answer is filled in for the caller.
    createDefaults(resource: ResourceMeta) {
      return Object.fromEntries(Object.entries(scopeChoices(resource)).filter(([, values]) => values.length === 1).map(([name, values]) => [name, values[0]]));
    },
    scope(resource: ResourceMeta, params: Params, purpose: ScopePurpose = 'read', from?: (table: string) => string) {
      const images = resource.options.recordImages;
      if (images) return imageScope(resource, images, params);
      return condition(resource, purpose, params, from);
    },
  };
}
