import { Migration } from '@mikro-orm/migrations';
import { endSessionsOnDeactivationSql } from '../server/auth/session-revocation.sql.js';

/** Deactivating a user or changing their role ends their sessions, by every write path (issue 14). */
export class Migration20261201200000EndSessionsOnDeactivation extends Migration {
  override up(): void {
    this.addSql(endSessionsOnDeactivationSql);
  }
}
