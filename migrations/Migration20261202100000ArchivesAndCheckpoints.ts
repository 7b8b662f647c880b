import { Migration } from '@mikro-orm/migrations';
import { ARCHIVES_SQL } from '../server/audit/archives.sql.js';

/** The archived months (for time travel's horizon and evidence) and the signed chain heads (server/audit/archives.sql.ts). */
export class Migration20261202100000ArchivesAndCheckpoints extends Migration {
  override up(): void {
    this.addSql(ARCHIVES_SQL);
  }
}
