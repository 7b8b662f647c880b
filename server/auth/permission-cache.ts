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

/**
 * The permission matrix as stored, cached per process. Every write to it, through any replica,
 * drops the cache: this process's own writes directly (see app.ts), every replica's through the
 * database's NOTIFY (permission-listener.ts). While the listener is not connected nothing is
 * cached, so an edit still applies on the next request.
 */
export class PermissionCache {
  private byRole: Promise<Map<RoleColumn, Set<string>>> | null = null;
  /** True while notifications reach this process; until then every request reads the matrix. */
  private live = false;

  constructor(private readonly pool: Pool) {}

  invalidate(): void {
    this.byRole = null;
  }

  setLive(live: boolean): void {
    this.live = live;
    this.invalidate();
  }

  async granted(role: RoleColumn | undefined): Promise<Set<string>> {
    if (!role) return new Set();
    if (!this.live) return (await this.load()).get(role) ?? new Set();
    this.byRole ??= this.load().catch((error) => {
      this.byRole = null;
      throw error;
    });
    return (await this.byRole).get(role) ?? new Set();
  }

  private async load(): Promise<Map<RoleColumn, Set<string>>> {
    const { rows } = await this.pool.query(`SELECT name, ${ROLE_COLUMN_LIST.join(', ')} FROM permission_item`);
    const out = new Map<RoleColumn, Set<string>>(ROLE_COLUMN_LIST.map((r) => [r, new Set<string>()]));
    for (const row of rows) for (const role of ROLE_COLUMN_LIST) if (row[role]) out.get(role)!.add(row.name);
    return out;
  }
}
