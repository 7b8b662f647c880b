import { Migration } from '@mikro-orm/migrations';

/** A single sign-on ticket keeps the person's name, for a provider that creates accounts (issue 20). */
export class Migration20261201260000OidcNames extends Migration {
  override up(): void {
    this.addSql(`alter table "oidc_login" add column "given_name" text null, add column "family_name" text null;`);
  }
}
