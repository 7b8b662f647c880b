import { Migration } from '@mikro-orm/migrations';
import { attachAuditTriggerSql } from '../server/audit/audit-trigger.sql.js';

/** API keys for scripts (issue 20): each acts as a service user of its own; only a hash is kept. */
export class Migration20261201230000ApiKey extends Migration {
  override up(): void {
    this.addSql(`create table "api_key" ("id" serial primary key, "name" text not null, "secret_hash" text not null, "owner_id" int not null, "service_user_id" int not null, "scopes" text[] null, "expires_at" timestamptz not null, "created_at" timestamptz not null default now(), "revoked_at" timestamptz null, "last_used_at" timestamptz null);`);
    this.addSql(`create index "api_key_owner_id_index" on "api_key" ("owner_id");`);
    this.addSql(`alter table "api_key" add constraint "api_key_service_user_id_unique" unique ("service_user_id");`);
    this.addSql(`alter table "api_key" add constraint "api_key_owner_id_foreign" foreign key ("owner_id") references "app_user" ("id") on delete cascade;`);
    this.addSql(`alter table "api_key" add constraint "api_key_service_user_id_foreign" foreign key ("service_user_id") references "app_user" ("id") on delete cascade;`);
    this.addSql(attachAuditTriggerSql('api_key', ['secret_hash']));
  }
}
