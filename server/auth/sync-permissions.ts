import type { Pool } from 'pg';
import { inUnitOfWork, type Tx } from '../db/unit-of-work.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import { insertRows } from '../seed/insert-rows.js';
import { AREA_ICONS, permissionSeeds, type PermissionSeed } from './permission-matrix.js';
import { ident } from '../engine/plan/sql.js';
import { roles } from '../schema/roles.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';

async function idsBy(tx: Tx, table: string, key: string): Promise<Map<string, number>> {
  const { rows } = await tx.query(`SELECT id, ${key} AS k FROM ${table}`);
  return new Map(rows.map((r: { id: number; k: string }) => [r.k, r.id]));
}

/**
 * Adds the permission categories and items the served resources need and the matrix lacks, with
 * their default grants; existing items (and every edit made to them) are left alone. Run by the
 * seed and at every boot, so a table declared later gets its permissions from its entity alone.
 */
export async function syncPermissions(tx: Tx, resources: Iterable<ResourceMeta>): Promise<number> {
  const seeds = permissionSeeds(resources);
  const categories = await idsBy(tx, T.permissionAreas, 'title');
  const areas = [...new Set(seeds.map((s) => s.area))].filter((a) => !categories.has(a));
  await insertRows(tx, T.permissionAreas, areas.map((title) => ({ title, icon: AREA_ICONS[title], expanded: title === 'Students & services' })));
  const categoryIds = await idsBy(tx, T.permissionAreas, 'title');
  const added = await insertRows(tx, T.permissions, seeds.map((s) => ({ name: s.name, category_id: categoryIds.get(s.area), ...s.grants })));
  await seedNewRoles(tx, seeds);
  return added;
}

/**
 * A role declared since the matrix last took a role's starting grants gets them once, on the items
 * that already exist (its column is new, so nobody has edited it yet); from then on the matrix as
 * stored is what counts, even where an admin later takes every grant away.
 */
async function seedNewRoles(tx: Tx, seeds: PermissionSeed[]): Promise<void> {
  const { rows } = await tx.query(`SELECT seeded_roles FROM permission_matrix_version`);
  const seeded = new Set<string>(rows[0]?.seeded_roles ?? []);
  for (const role of roles()) {
    if (seeded.has(role.key)) continue;
    const granted = seeds.filter((s) => s.grants[role.key]).map((s) => s.name);
    await tx.query(`UPDATE ${T.permissions} SET ${ident(role.key)} = true WHERE name = ANY($1::text[]) AND ${ident(role.key)} IS NOT TRUE`, [granted]);
    await tx.query(`UPDATE permission_matrix_version SET seeded_roles = array_append(seeded_roles, $1)`, [role.key]);
  }
}

export function syncPermissionMatrix(pool: Pool, resources: Iterable<ResourceMeta>, systemUserId: number): Promise<number> {
  return inUnitOfWork(pool, { userId: systemUserId, reason: 'permission items for new resources' }, (tx) => syncPermissions(tx, resources));
}
