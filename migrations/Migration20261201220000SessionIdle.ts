import { Migration } from '@mikro-orm/migrations';

/** Automatic logoff (issue 20): a session ends SESSION_IDLE_MINUTES after its last use. */
export class Migration20261201220000SessionIdle extends Migration {
  override up(): void {
    this.addSql(`alter table "auth_session" add "last_seen_at" timestamptz not null default now();`);
  }
}
