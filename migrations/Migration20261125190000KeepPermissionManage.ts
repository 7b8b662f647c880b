import { Migration } from '@mikro-orm/migrations';
import { ROLE_COLUMNS } from '../server/auth/permission-cache.js';
import { keepsPermissionManageSql } from '../server/auth/permission-notify.sql.js';

/** Nobody can take permission.manage away from their own role (and so lock themselves out). */
export class Migration20261125190000KeepPermissionManage extends Migration {
  override up(): void {
    this.addSql(keepsPermissionManageSql(ROLE_COLUMNS));
  }
}
