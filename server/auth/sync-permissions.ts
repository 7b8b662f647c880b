import type { Pool } from 'pg';
import { inUnitOfWork, type Tx } from '../db/unit-of-work.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import { insertRows } from '../seed/insert-rows.js';
import { AREA_ICONS, permissionSeeds } from './permission-matrix.js';
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
  return insertRows(tx, T.permissions, seeds.map((s) => ({ name: s.name, category_id: categoryIds.get(s.area), ...s.grants })));
}

export function syncPermissionMatrix(pool: Pool, resources: Iterable<ResourceMeta>, systemUserId: number): Promise<number> {
  return inUnitOfWork(pool, { userId: systemUserId, reason: 'permission items for new resources' }, (tx) => syncPermissions(tx, resources));
}
