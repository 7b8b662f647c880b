import { Migration } from '@mikro-orm/migrations';

/**
 * Read-your-writes across app replicas: a write notes until when its user's reads must stay on the
 * primary (see server/db/read-router.ts). Read only on the primary, by the per-request session
 * check; unlogged because it is not worth WAL, replication or surviving a crash.
 */
export class Migration20261125070000RecentWrite extends Migration {
  override up(): void {
    this.addSql(`create unlogged table "recent_write" ("user_id" int primary key, "until" timestamptz not null);`);
  }
}
