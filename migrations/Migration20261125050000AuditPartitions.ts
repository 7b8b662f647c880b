import { Migration } from '@mikro-orm/migrations';
import { AUDIT_LOG_APPEND_ONLY_SQL } from '../server/audit/audit-trigger.sql.js';
import { AUDIT_PARTITION_FUNCTION_SQL } from '../server/audit/audit-partitions.sql.js';

/**
 * audit_log becomes a table partitioned by month of occurred_at (declarative partitioning), with
 * every existing row kept and its id unchanged. PostgreSQL requires the partition key in every
 * unique constraint, so the primary key becomes (id, occurred_at); ids still come from the one
 * sequence, so an id still names one event. Rows outside every monthly partition (the server
 * creates them ahead) land in audit_log_default rather than failing the write they record.
 */
export class Migration20261125050000AuditPartitions extends Migration {
  override up(): void {
    // The sequence must outlive the old table it belongs to.
    this.addSql(`alter sequence "audit_log_id_seq" owned by none;`);
    this.addSql(`alter table "audit_log" rename to "audit_log_unpartitioned";`);
    // Index and constraint names are schema-wide: free them for the new table.
    this.addSql(`alter table "audit_log_unpartitioned" drop constraint "audit_log_pkey";`);
    this.addSql(`drop index "audit_log_txid_index", "audit_log_occurred_at_index", "audit_log_table_name_record_pk_index";`);
    this.addSql(`create table "audit_log" (
      "id" bigint not null default nextval('audit_log_id_seq'),
      "table_name" text not null,
      "record_pk" jsonb not null,
      "action" text not null,
      "changed_data" jsonb null,
      "old_data" jsonb null,
      "user_id" int null,
      "occurred_at" timestamptz not null default now(),
      "txid" bigint null,
      "reason" text null,
      constraint "audit_log_pkey" primary key ("id", "occurred_at")
    ) partition by range ("occurred_at");`);
    this.addSql(`alter sequence "audit_log_id_seq" owned by "audit_log"."id";`);
    this.addSql(`create index "audit_log_txid_index" on "audit_log" ("txid");`);
    this.addSql(`create index "audit_log_occurred_at_index" on "audit_log" ("occurred_at");`);
    this.addSql(`create index "audit_log_table_name_record_pk_index" on "audit_log" ("table_name", "record_pk");`);
    this.addSql(AUDIT_LOG_APPEND_ONLY_SQL);
    this.addSql(AUDIT_PARTITION_FUNCTION_SQL);
    this.addSql(`create table "audit_log_default" partition of "audit_log" default;`);
    this.addSql(`create trigger "audit_log_no_truncate" before truncate on "audit_log_default" for each statement execute function audit_log_append_only();`);
    // One partition per month from the oldest event to two months ahead, then the rows themselves.
    this.addSql(`select audit_log_create_partition(m::date) from generate_series(
      date_trunc('month', coalesce((select min(occurred_at) from audit_log_unpartitioned), now()) at time zone 'UTC'),
      date_trunc('month', now() at time zone 'UTC') + interval '2 months', interval '1 month') as m;`);
    this.addSql(`insert into "audit_log" select * from "audit_log_unpartitioned";`);
    this.addSql(`drop table "audit_log_unpartitioned";`);
  }
}
