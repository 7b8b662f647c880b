import { Migration } from '@mikro-orm/migrations';
import { attachAuditTriggerSql } from '../server/audit/audit-trigger.sql.js';

/** TOTP second factor (issue 20): the secret per user (audited, masked), hashed recovery codes, and
 * sessions that may only enrol. */
export class Migration20261201210000Mfa extends Migration {
  override up(): void {
    this.addSql(`create table "user_mfa" ("id" serial primary key, "user_id" int not null, "secret" text not null, "enabled_at" timestamptz null, "last_step" bigint null);`);
    this.addSql(`alter table "user_mfa" add constraint "user_mfa_user_id_unique" unique ("user_id");`);
    this.addSql(`alter table "user_mfa" add constraint "user_mfa_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);
    this.addSql(`create table "mfa_recovery_code" ("id" serial primary key, "user_id" int not null, "code_hash" text not null, "used_at" timestamptz null);`);
    this.addSql(`create index "mfa_recovery_code_user_id_index" on "mfa_recovery_code" ("user_id");`);
    this.addSql(`create index "mfa_recovery_code_user_id_code_hash_index" on "mfa_recovery_code" ("user_id", "code_hash");`);
    this.addSql(`alter table "mfa_recovery_code" add constraint "mfa_recovery_code_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`);
    this.addSql(`alter table "auth_session" add "enrolment_only" boolean not null default false;`);
    this.addSql(attachAuditTriggerSql('user_mfa', ['secret']));
  }
}
