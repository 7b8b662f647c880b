import { Migration } from '@mikro-orm/migrations';

/**
 * Time travel reads the audit trail (server/audit/as-of.query.ts). A list as of a moment sorted by
 * anything but id reads a table's events since the moment: (table_name, occurred_at). A list sorted
 * by id reads each row's first event since the moment through (table_name, record_pk), which
 * exists, and adds the rows deleted since: the deletions alone, a partial index a fraction of the
 * log's size. On the partitioned audit_log each becomes one index per month.
 */
export class Migration20261201400000AsOfIndexes extends Migration {
  override up(): void {
    this.addSql(`create index "audit_log_table_name_occurred_at_index" on "audit_log" ("table_name", "occurred_at");`);
    this.addSql(`create index "audit_log_deletions_index" on "audit_log" ("table_name", "occurred_at") where "action" = 'DELETE';`);
  }
}
