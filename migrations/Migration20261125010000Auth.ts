import { Migration } from '@mikro-orm/migrations';
import { attachAuditTriggerSql } from '../server/audit/audit-trigger.sql.js';

/** Sign-in: credentials apart from app_user (audited, hash masked), sessions, login rate limits, and the
 * permission matrix's Support column. */
export class Migration20261125010000Auth extends Migration {
  override up(): void {
    this.addSql(`create table "auth_session" ("id" uuid not null, "user_id" int not null, "created_at" timestamptz not null default now(), "expires_at" timestamptz not null, "ended_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "auth_session_user_id_index" on "auth_session" ("user_id");`);
    this.addSql(`create index "auth_session_expires_at_index" on "auth_session" ("expires_at");`);
    this.addSql(`create table "login_rate_limit" ("key" varchar(255) not null, "points" int not null default 0, "expire" bigint null, primary key ("key"));`);
    this.addSql(`create table "user_credential" ("id" serial primary key, "user_id" int not null, "password_hash" text not null, "changed_at" timestamptz not null default now());`);
    this.addSql(`alter table "user_credential" add constraint "user_credential_user_id_unique" unique ("user_id");`);
    this.addSql(`alter table "permission_item" add "support" boolean null default false;`);
    this.addSql(`alter table "auth_session" add constraint "auth_session_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);
    this.addSql(`alter table "user_credential" add constraint "user_credential_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);
    this.addSql(attachAuditTriggerSql('user_credential', ["password_hash"]));
  }
}
