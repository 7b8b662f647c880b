import type { Area } from '../schema/resource.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';

export const ACTIONS = ['list', 'show', 'create', 'edit', 'delete', 'export'] as const;
import type { RoleColumn } from './permission-cache.js';

export interface PermissionSeed {
  name: string;
  area: Area;
  grants: Record<RoleColumn, boolean>;
}

/** Operational resources the field roles work on, each within their row scope. */
const CASEWORK = new Set(['student', 'service', 'claim', 'service_group', 'group_membership', 'file_metadata']);
const PRACTICE = new Set(['student', 'service', 'service_group', 'group_membership', 'file_metadata']);
/** What support staff correct: list, show and edit, no create or delete... */
const SUPPORTED = CASEWORK;
/** ...but they do attach documents (a signed consent form) to the records they look after. */
const SUPPORT_ATTACHES = new Set(['file_metadata']);

/**
 * The permission items generated from the metadata (`<resource>.<action>` for every resource plus
 * the cross-cutting ones) with defaults that fit the seeded users. The matrix as stored is what
 * the guard enforces; these are only its starting values.
 */
export function permissionSeeds(resources: Iterable<ResourceMeta>): PermissionSeed[] {
  const out: PermissionSeed[] = [];
  for (const r of resources) {
    for (const action of ACTIONS) {
      if (r.readOnly && ['create', 'edit', 'delete'].includes(action)) continue;
      const read = action === 'list' || action === 'show';
      const audit = r.area === 'Audit';
      if (r.options.grantedToEveryRole) {
        out.push({ name: `${r.name}.${action}`, area: r.area, grants: { system_admin: true, supervisor: true, district_admin: true, practitioner: true, support: true } });
        continue;
      }
      out.push({
        name: `${r.name}.${action}`,
        area: r.area,
        grants: {
          system_admin: true,
          supervisor: read || (action === 'export' && r.area !== 'Users & access'),
          district_admin: CASEWORK.has(r.name) || (read && r.area === 'Reference data'),
          practitioner: PRACTICE.has(r.name) && action !== 'delete',
          support:
            (SUPPORTED.has(r.name) && (read || action === 'edit')) ||
            (SUPPORT_ATTACHES.has(r.name) && action === 'create') ||
            (read && (r.area === 'Reference data' || audit)),
        },
      });
    }
    if (r.fields.some((f) => f.sensitive)) {
      out.push({ name: `${r.name}.sensitive`, area: r.area, grants: { system_admin: true, supervisor: true, district_admin: true, practitioner: true, support: true } });
    }
  }
  const admin = { system_admin: true, supervisor: false, district_admin: false, practitioner: false, support: false };
  out.push({ name: 'audit.browse', area: 'Audit', grants: { ...admin, supervisor: true, support: true } });
  out.push({ name: 'audit.revert', area: 'Audit', grants: { ...admin, support: true } });
  out.push({ name: 'permission.manage', area: 'Users & access', grants: admin });
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
