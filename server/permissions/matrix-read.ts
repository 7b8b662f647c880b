import type { Queryable } from '../engine/read/resource-reader.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import { ident } from '../engine/plan/sql.js';
import { roles } from '../schema/roles.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';
import { actionWords, permissionWords } from './permission-words.js';
import type { Matrix, MatrixItem } from '../../contract/permission-matrix.js';


/** Active users per role (by its matrix column). */
async function activeUsersByRole(db: Queryable): Promise<Map<string, number>> {
  const { rows } = await db.query(`SELECT role, count(*)::int AS n FROM ${T.users} WHERE status = 'Active' GROUP BY role`);
  const byName = new Map(rows.map((r: { role: string; n: number }) => [r.role, Number(r.n)]));
  return new Map(roles().map((r) => [r.key, byName.get(r.name) ?? 0]));
}

/** The matrix as stored, each item in words, grouped by area in the categories' order. */
export async function readMatrix(db: Queryable, resources: Map<string, ResourceMeta>, lock = false): Promise<Matrix> {
  const keys = roles().map((r) => r.key);
  const { rows } = await db.query(
    `SELECT v.version, p.id, p.name, c.title AS area, ${keys.map((k) => `p.${ident(k)}`).join(', ')}
       FROM permission_matrix_version v
       LEFT JOIN ${T.permissions} p ON true LEFT JOIN ${T.permissionAreas} c ON c.id = p.category_id
      ORDER BY c.id, p.id${lock ? ' FOR UPDATE OF v' : ''}`,
  );
  const areas = new Map<string, MatrixItem[]>();
  for (const row of rows) {
    if (row.id === null) continue;
    const area = String(row.area ?? 'Other');
    const grants = Object.fromEntries(keys.map((k) => [k, row[k] === true]));
    if (!areas.has(area)) areas.set(area, []);
    areas.get(area)!.push({ id: Number(row.id), name: String(row.name), area, grants, ...permissionWords(String(row.name), resources) });
  }
  const users = await activeUsersByRole(db);
  return {
    version: String(rows[0]?.version ?? '0'),
    roles: roles().map((r) => ({ role: r.key, label: r.label, activeUsers: users.get(r.key) ?? 0 })),
    actions: actionWords(),
    areas: [...areas].map(([title, items]) => ({ title, items })),
  };
}
