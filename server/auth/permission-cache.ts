import type { Pool } from 'pg';
import { ident } from '../engine/plan/sql.js';
import { roles, type RoleDeclaration } from '../schema/roles.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';

interface Matrix {
  /** permission_matrix_version when it was read (same statement, same snapshot). */
  version: string;
  /** Role key -> the permissions it holds. */
  byRole: Map<string, Set<string>>;
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
  async granted(role: RoleDeclaration | undefined, version: string): Promise<Set<string>> {
    if (!role) return new Set();
    let matrix = await this.current();
    if (matrix.version !== version) {
      this.invalidate();
      matrix = await this.current();
    }
    return matrix.byRole.get(role.key) ?? new Set();
  }

  private current(): Promise<Matrix> {
    this.matrix ??= this.load().catch((error) => {
      this.matrix = null;
      throw error;
    });
    return this.matrix;
  }

  private async load(): Promise<Matrix> {
    const keys = roles().map((r) => r.key);
    const { rows } = await this.pool.query(
      `SELECT p.name, ${keys.map((k) => `p.${ident(k)}`).join(', ')}, v.version
         FROM permission_matrix_version v LEFT JOIN ${T.permissions} p ON true`,
    );
    const byRole = new Map(keys.map((k) => [k, new Set<string>()]));
    for (const row of rows) for (const key of keys) if (row[key]) byRole.get(key)!.add(row.name);
    return { version: String(rows[0]?.version), byRole };
  }
}
