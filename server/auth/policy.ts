import type { Caller } from '../engine/caller.js';
import type { FieldMeta, ResourceMeta } from '../engine/metadata/resource-meta.js';
import { ident, type Params } from '../engine/plan/sql.js';
import type { RoleColumn } from './permission-cache.js';

export interface SignedInUser {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  role: string;
  districts: string[] | null;
}

/** Which row scope a role works in; roles not listed see every row they may list. */
const SCOPE_OF: Partial<Record<RoleColumn, 'own' | 'district'>> = { practitioner: 'own', district_admin: 'district' };

/**
 * The engine's Caller for a signed-in user: permissions from the matrix as stored, row scopes and
 * field rules from the resources' declarations. Nothing here names a table.
 */
export function userCaller(user: SignedInUser, role: RoleColumn | undefined, granted: Set<string>, resources: Map<string, ResourceMeta>): Caller {
  const scopeKind = role ? SCOPE_OF[role] : undefined;
  const fill = (condition: string, params: Params) =>
    condition
      .replaceAll(':user', () => params.add(user.id, 'integer'))
      .replaceAll(':districts', () => params.add(user.districts ?? [], 'text[]'));
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
    scope(resource: ResourceMeta, params: Params) {
      if (!scopeKind) return null;
      const images = resource.options.recordImages;
      if (images) {
        // Events of unscoped tables, or of records now in the caller's scope in their own table.
        const unscoped: string[] = [];
        const parts: string[] = [];
        for (const other of resources.values()) {
          const condition = other.options.scopes?.[scopeKind];
          if (other === resource) continue;
          if (!condition) unscoped.push(other.name);
          else parts.push(`(${ident(images.table)} = ${params.add(other.name, 'text')} AND (${ident(images.pk)}->>'id')::bigint IN (SELECT id FROM ${ident(other.name)} WHERE ${fill(condition, params)}))`);
        }
        parts.push(`${ident(images.table)} = ANY(${params.add(unscoped, 'text[]')})`);
        return parts.join(' OR ');
      }
      const condition = resource.options.scopes?.[scopeKind];
      return condition ? fill(condition, params) : null;
    },
  };
}
