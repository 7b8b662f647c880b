import { Migration } from '@mikro-orm/migrations';

/**
 * The dashboard's figures (server/schema/dashboard.ts) count rows by time: the audit log's last 30
 * days by table, by user and its undos, the claims of two years by month with their status and
 * amounts. Read from the tables these are sequential scans of wide rows (the audit log's row
 * images: 2.5 GB read for 2 million events, 4 s); each index below holds the time and the few
 * columns the figures and the scopes read, so they are index-only scans of a range.
 */
export class Migration20261202000000FigureIndexes extends Migration {
  override up(): void {
    this.addSql(`create index "audit_log_occurred_at_figures_index" on "audit_log" ("occurred_at") include ("table_name", "user_id", "reason");`);
    this.addSql(`create index "claim_service_date_figures_index" on "claim" ("service_date") include ("status", "district", "student_ssid", "billed_amount", "paid_amount");`);
  }
}
