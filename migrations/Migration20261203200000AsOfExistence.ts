import { Migration } from '@mikro-orm/migrations';

/**
 * Time travel's list by id (server/audit/as-of.query.ts) needs the records born and the records
 * deleted since a moment. From the deletions' index it looked up each deletion's first event since
 * (13,396 deletions: 0.24 s), and each row newer than the moment one by one. One partial index of
 * the inserts and deletions, with the record and the event's id, answers both sets from index
 * entries alone; it replaces the deletions' index, so an update's event keeps the same indexes.
 */
export class Migration20261203200000AsOfExistence extends Migration {
  override up(): void {
    this.addSql(`create index "audit_log_existence_index" on "audit_log" ("table_name", "action", "occurred_at") include ("record_pk", "id") where "action" <> 'UPDATE';`);
    this.addSql(`drop index if exists "audit_log_deletions_index";`);
  }
}
