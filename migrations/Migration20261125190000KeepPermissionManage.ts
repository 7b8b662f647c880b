import { Migration } from '@mikro-orm/migrations';

import { keepsPermissionManageSql } from '../server/auth/permission-notify.sql.js';

/** The roles when this migration was written (boot re-creates the function for the roles declared now). */
const ROLES_OF_2026_11 = [
  { name: 'Practitioner', key: 'practitioner' },
  { name: 'Supervisor', key: 'supervisor' },
  { name: 'District Admin', key: 'district_admin' },
  { name: 'Admin', key: 'system_admin' },
  { name: 'Support', key: 'support' },
];

/** Nobody can take permission.manage away from their own role (and so lock themselves out). */
export class Migration20261125190000KeepPermissionManage extends Migration {
  override up(): void {
    this.addSql(keepsPermissionManageSql(ROLES_OF_2026_11));
  }
}
