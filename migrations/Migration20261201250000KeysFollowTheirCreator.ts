import { Migration } from '@mikro-orm/migrations';
import { keysFollowTheirCreatorSql } from '../server/auth/session-revocation.sql.js';

/** A change of a user's role or districts, or their deactivation, revokes the API keys they made. */
export class Migration20261201250000KeysFollowTheirCreator extends Migration {
  override up(): void {
    this.addSql(keysFollowTheirCreatorSql);
  }
}
