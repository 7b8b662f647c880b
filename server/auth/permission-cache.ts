import type { Pool } from 'pg';

/** `app_user.role` -> the matrix's role column. */
export const ROLE_COLUMNS: Record<string, RoleColumn> = {
  Practitioner: 'practitioner',
  Supervisor: 'supervisor',
  'District Admin': 'district_admin',
  Admin: 'system_admin',
  Support: 'support',
};
export type RoleColumn = 'practitioner' | 'supervisor' | 'district_admin' | 'system_admin' | 'support';
export const ROLE_COLUMN_LIST: RoleColumn[] = ['practitioner', 'supervisor', 'district_admin', 'system_admin', 'support'];

interface Matrix {
  /** permission_matrix_version when it was read (same statement, same snapshot). */
  version: string;
  byRole: Map<RoleColumn, Set<string>>;
}

/**
 * The permission matrix as stored, cached per process. Every write to it, through any replica or
 * psql, bumps its version and sends a NOTIFY (permission-notify.sql.ts): the NOTIFY drops this
 * cache as soon as it arrives (permission-listener.ts), and each request compares the version its
 * session check read with the cached one, so the next request sees the change even if it arrives
 * before the notification, or while the listening connection is down.
 */
export class PermissionCache {
  private matrix: Promise<Matrix> | null = null;

  constructor(private readonly pool: Pool) {}

  invalidate(): void {
    this.matrix = null;
  }

  /** What `role` holds, from a matrix at least as new as `version` (the session check's read). */
  async granted(role: RoleColumn | undefined, version: string): Promise<Set<string>> {
    if (!role) return new Set();
    let matrix = await this.current();
    if (matrix.version !== version) {
      this.invalidate();
      matrix = await this.current();
    }
    return matrix.byRole.get(role) ?? new Set();
  }

  private current(): Promise<Matrix> {
    this.matrix ??= this.load().catch((error) => {
      this.matrix = null;
      throw error;
    });
    return this.matrix;
  }

  private async load(): Promise<Matrix> {
    const { rows } = await this.pool.query(
      `SELECT p.name, ${ROLE_COLUMN_LIST.map((r) => `p.${r}`).join(', ')}, v.version
         FROM permission_matrix_version v LEFT JOIN permission_item p ON true`,
    );
    const byRole = new Map<RoleColumn, Set<string>>(ROLE_COLUMN_LIST.map((r) => [r, new Set<string>()]));
    for (const row of rows) for (const role of ROLE_COLUMN_LIST) if (row[role]) byRole.get(role)!.add(row.name);
    return { version: String(rows[0]?.version), byRole };
  }
}
