import { Migration } from '@mikro-orm/migrations';
import { attachAuditTriggerSql } from '../server/audit/audit-trigger.sql.js';

export class Migration20261125152023SavedView extends Migration {
  override up(): void {
    this.addSql(`create table "saved_view" ("id" serial primary key, "name" text not null, "resource" text not null, "filter" jsonb not null, "sort" jsonb null, "columns" text[] null, "shared_with_role" text null, "created_at" timestamptz null default now(), "updated_at" timestamptz null default now(), "created_by" int null, "updated_by" int null);`);
    this.addSql(`create index "saved_view_resource_index" on "saved_view" ("resource");`);
    this.addSql(`create index "saved_view_updated_by_index" on "saved_view" ("updated_by");`);
    this.addSql(`create index "saved_view_created_by_index" on "saved_view" ("created_by");`);
    this.addSql(`alter table "saved_view" add constraint "saved_view_created_by_foreign" foreign key ("created_by") references "app_user" ("id") on delete cascade;`);
    this.addSql(`alter table "saved_view" add constraint "saved_view_updated_by_foreign" foreign key ("updated_by") references "app_user" ("id") on delete no action;`);
    this.addSql(attachAuditTriggerSql('saved_view'));
  }
}
