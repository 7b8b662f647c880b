import { Migration } from '@mikro-orm/migrations';
import { PERMISSION_NOTIFY_SQL } from '../server/auth/permission-notify.sql.js';

/** Writes to the permission matrix NOTIFY every replica, so each drops its cached copy. */
export class Migration20261125060000PermissionNotify extends Migration {
  override up(): void {
    this.addSql(PERMISSION_NOTIFY_SQL);
  }
}
