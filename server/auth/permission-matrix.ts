import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import { ACTIONS, type Action, type Area } from '../schema/matrix-terms.js';
import { roles, type RoleDeclaration } from '../schema/roles.js';

export interface PermissionSeed {
  name: string;
  area: Area;
  /** Role key -> granted. */
  grants: Record<string, boolean>;
}

const WRITES: readonly Action[] = ['create', 'edit', 'delete'];

/** Whether `role` starts out holding `action` on `resource`: from the role's and the resource's declarations. */
function grantedByDefault(role: RoleDeclaration, resource: ResourceMeta, action: Action): boolean {
  const grants = role.grants;
  if (grants?.everything) return true;
  const own = resource.options.defaultGrants;
  if ((own?.[role.key] ?? own?.['*'])?.includes(action)) return true;
  return !!(grants?.areas?.[resource.area] ?? grants?.areas?.['*'])?.includes(action);
}

function grantsOf(allow: (role: RoleDeclaration) => boolean): Record<string, boolean> {
  return Object.fromEntries(roles().map((role) => [role.key, allow(role)]));
}

/**
 * The permission items generated from the metadata (`<resource>.<action>` for every resource, a
 * resource's `.sensitive` and the roles' cross-cutting ones) with the declared starting grants.
 * The matrix as stored is what the guard enforces; these are only its starting values.
 */
export function permissionSeeds(resources: Iterable<ResourceMeta>): PermissionSeed[] {
  const out: PermissionSeed[] = [];
  for (const r of resources) {
    for (const action of ACTIONS) {
      if (r.readOnly && WRITES.includes(action)) continue;
      out.push({ name: `${r.name}.${action}`, area: r.area, grants: grantsOf((role) => grantedByDefault(role, r, action)) });
    }
    // Everyone who may show the record starts out seeing its sensitive fields; the matrix narrows.
    if (r.fields.some((f) => f.sensitive)) out.push({ name: `${r.name}.sensitive`, area: r.area, grants: grantsOf(() => true) });
  }
  const crossCutting: [string, Area][] = [['audit.browse', 'Audit'], ['audit.revert', 'Audit'], ['permission.manage', 'Users & access']];
  for (const [name, area] of crossCutting) {
    out.push({ name, area, grants: grantsOf((role) => !!role.grants?.everything || !!role.grants?.permissions?.includes(name)) });
  }
  return out;
}

export const AREA_ICONS: Record<Area, string> = {
  'Students & services': 'school',
  'Claims & billing': 'receipt',
  'Reference data': 'list',
  'Users & access': 'people',
  Personal: 'bookmark',
  Audit: 'history',
};
