import { Migration } from '@mikro-orm/migrations';

/** Single sign-on flows in flight and their one-time tickets (issue 20). */
export class Migration20261201240000OidcLogin extends Migration {
  override up(): void {
    this.addSql(`create table "oidc_login" ("id" serial primary key, "state_hash" text null, "ticket_hash" text null, "provider" text not null, "nonce" text null, "verifier" text null, "email" text null, "binding_hash" text not null, "strong_amr" boolean not null default false, "created_at" timestamptz not null default now());`);
    this.addSql(`alter table "oidc_login" add constraint "oidc_login_state_hash_unique" unique ("state_hash");`);
    this.addSql(`alter table "oidc_login" add constraint "oidc_login_ticket_hash_unique" unique ("ticket_hash");`);
  }
}
