import { Migration } from '@mikro-orm/migrations';

/**
 * Which roles' starting grants the matrix has taken: a role declared later (server/schema/roles.ts)
 * gets its own once, at the next boot, and from then on the matrix as stored is what counts.
 */
export class Migration20261202000000SeededRoles extends Migration {
  override up(): void {
    this.addSql(`ALTER TABLE permission_matrix_version ADD COLUMN IF NOT EXISTS seeded_roles text[] NOT NULL
      DEFAULT '{practitioner,supervisor,district_admin,system_admin,support}'`);
  }
}
