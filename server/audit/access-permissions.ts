import type { Pool } from 'pg';
import { inUnitOfWork, type Tx } from '../db/unit-of-work.js';

/**
 * Who reads the record of access by default: supervisors and admins, and district admins within
 * their districts (the resource's row scope). The matrix sync's defaults for its area would leave
 * district admins out; so access_log's items are created first, here, with these grants (the sync
 * then leaves existing items alone). An edited matrix is never changed.
 */
const GRANTS = { practitioner: false, supervisor: true, district_admin: true, system_admin: true, support: false };
const ITEMS = ['access_log.list', 'access_log.show', 'access_log.export'];

export async function ensureAccessLogPermissions(tx: Tx): Promise<void> {
  await tx.query(`INSERT INTO permission_category (title, icon, expanded) SELECT 'Users & access', 'people', false
    WHERE NOT EXISTS (SELECT 1 FROM permission_category WHERE title = 'Users & access')`);
  await tx.query(
    `INSERT INTO permission_item (category_id, name, practitioner, supervisor, district_admin, system_admin, support)
     SELECT (SELECT min(id) FROM permission_category WHERE title = 'Users & access'), n, $2, $3, $4, $5, $6 FROM unnest($1::text[]) AS n
     ON CONFLICT (name) DO NOTHING`,
    [ITEMS, GRANTS.practitioner, GRANTS.supervisor, GRANTS.district_admin, GRANTS.system_admin, GRANTS.support],
  );
}

export function ensureAccessLogPermissionsAt(pool: Pool, systemUserId: number): Promise<void> {
  return inUnitOfWork(pool, { userId: systemUserId, reason: 'permission items for new resources' }, ensureAccessLogPermissions);
}
