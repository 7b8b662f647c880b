import type { Queryable } from '../engine/read/resource-reader.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import { ROLE_COLUMNS, ROLE_COLUMN_LIST, type RoleColumn } from '../auth/permission-cache.js';
import { actionWords, permissionWords } from './permission-words.js';
import type { Matrix, MatrixItem } from './matrix-contract.js';

/** The matrix's own tables (the auth layer's, like app_user's role and status). */
export const MATRIX_ITEMS = 'permission_item';

/** The roles' labels, from the one map of `app_user.role` to matrix columns. */
export function roleLabels(): Map<RoleColumn, string> {
  return new Map(Object.entries(ROLE_COLUMNS).map(([label, column]) => [column, label]));
}

/** Active users per role column. */
export async function activeUsersByRole(db: Queryable): Promise<Map<RoleColumn, number>> {
  const { rows } = await db.query(`SELECT role, count(*)::int AS n FROM app_user WHERE status = 'Active' GROUP BY role`);
  const out = new Map<RoleColumn, number>(ROLE_COLUMN_LIST.map((r) => [r, 0]));
  for (const row of rows) {
    const column = ROLE_COLUMNS[row.role as string];
    if (column) out.set(column, (out.get(column) ?? 0) + Number(row.n));
  }
  return out;
}

/** The matrix as stored, each item in words, grouped by area in the categories' order. */
export async function readMatrix(db: Queryable, resources: Map<string, ResourceMeta>, lock = false): Promise<Matrix> {
  const { rows } = await db.query(
    `SELECT v.version, p.id, p.name, c.title AS area, ${ROLE_COLUMN_LIST.map((r) => `p.${r}`).join(', ')}
       FROM permission_matrix_version v
       LEFT JOIN ${MATRIX_ITEMS} p ON true LEFT JOIN permission_category c ON c.id = p.category_id
      ORDER BY c.id, p.id${lock ? ' FOR UPDATE OF v' : ''}`,
  );
  const areas = new Map<string, MatrixItem[]>();
  for (const row of rows) {
    if (row.id === null) continue;
    const area = String(row.area ?? 'Other');
    const grants = Object.fromEntries(ROLE_COLUMN_LIST.map((r) => [r, row[r] === true]));
    if (!areas.has(area)) areas.set(area, []);
    areas.get(area)!.push({ id: Number(row.id), name: String(row.name), area, grants, ...permissionWords(String(row.name), resources) });
  }
  const labels = roleLabels();
  const users = await activeUsersByRole(db);
  return {
    version: String(rows[0]?.version ?? '0'),
    roles: ROLE_COLUMN_LIST.map((role) => ({ role, label: labels.get(role) ?? role, activeUsers: users.get(role) ?? 0 })),
    actions: actionWords(),
    areas: [...areas].map(([title, items]) => ({ title, items })),
  };
}
