import { Migration } from '@mikro-orm/migrations';

/** Sign-in matches emails without regard to case: no two accounts may differ by case alone. */
export class Migration20261125020000EmailCase extends Migration {
  override up(): void {
    this.addSql(`create unique index "app_user_email_lower_unique" on "app_user" (lower("email"));`);
  }
}
