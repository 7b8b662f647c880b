import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';

/** Central row-level audit trail capturing INSERT/UPDATE/DELETE events for compliance, debugging, and accountability. */
@Resource({
  feature: 'audit-trail',
  accessLogged: true,
  label: 'Audit log',
  singular: 'Audit event',
  area: 'Audit',
  readOnly: true,
  appendOnlyAt: 'occurred_at',
  representation: '{action} {table_name} #{id}',
  choices: { action: ['INSERT', 'UPDATE', 'DELETE'] },
  references: { user_id: 'app_user' },
  recordImages: { table: 'table_name', pk: 'record_pk', images: ['changed_data', 'old_data'] },
  listFields: ['occurred_at', 'table_name', 'record_pk', 'action', 'user_id', 'reason'],
  commonFilters: [['table_name'], ['table_name', 'occurred_at'], ['action'], ['txid']],
  // An undo's events: those of a transaction that names what it undid (audit_undo, written by revert.ts).
  namedFilters: { undo: { label: 'Undos', where: 'txid IN (SELECT undo_txid FROM audit_undo)' } },
  aggregate: { groupBy: ['occurred_at', 'table_name', 'action', 'user_id'] },
  // Two million rows and its own browser: not in the search across tables.
  crossSearch: false,
})
@Entity({ tableName: 'audit_log' })
@Index({ name: 'audit_log_table_name_id_index', properties: ['table_name', 'id'] })
// History look-ups go by record, the audit browser by time, change-set undo by transaction
// (with the id, so a sort by time or transaction is served both ways).
@Index({ properties: ['table_name', 'record_pk'] })
@Index({ name: 'audit_log_occurred_at_id_index', properties: ['occurred_at', 'id'] })
@Index({ name: 'audit_log_txid_id_index', properties: ['txid', 'id'] })
// Time travel (server/audit/as-of.query.ts): a table's events since a moment;
// the audit trail (newest first by time): a table's events of a day, by (occurred_at, id) both ways,
// with no sort of the events one transaction stamped with one time (a bulk edit's thousands).
@Index({ name: 'audit_log_table_name_occurred_at_id_index', properties: ['table_name', 'occurred_at', 'id'] })
// Time travel's records born and deleted since a moment: the inserts and deletions alone, with what
// tells them apart, read without the log's rows (the edits, most of the log, are left out).
@Index({
  name: 'audit_log_existence_index',
  expression: `create index "audit_log_existence_index" on "audit_log" ("table_name", "action", "occurred_at") include ("record_pk", "id") where "action" <> 'UPDATE'`,
})
// The dashboard's activity figures: the last days by table, user and undo (its transaction), read from this index alone.
@Index({ name: 'audit_log_occurred_at_figures_index', expression: 'create index "audit_log_occurred_at_figures_index" on "audit_log" ("occurred_at") include ("table_name", "user_id", "reason", "txid")' })
export class AuditLog {
  /** Unique audit entry ID (from one sequence across every partition). */
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  /** Name of the table affected (e.g., student). */
  @Property({ type: 'text', columnType: 'text' })
  table_name!: string;

  /** Primary key value(s) of the changed row, usually {"id": <int>}. */
  @Property({ type: 'json', columnType: 'jsonb' })
  record_pk!: unknown;

  /** One of INSERT, UPDATE, or DELETE. */
  @Property({ type: 'text', columnType: 'text' })
  action!: string;

  /** The new row state (for INSERT/UPDATE). */
  @Property({ type: 'json', columnType: 'jsonb', nullable: true })
  changed_data?: unknown | null;

  /** The previous row state (for UPDATE/DELETE). */
  @Property({ type: 'json', columnType: 'jsonb', nullable: true })
  old_data?: unknown | null;

  /** The app user who initiated the change (nullable if system/unknown). */
  @Property({ type: 'integer', columnType: 'int', nullable: true })
  user_id?: number | null;

  /**
   * Timestamp of when the change was logged. The table is partitioned by month of it, and
   * PostgreSQL wants the partition key in the primary key: (id, occurred_at).
   */
  @PrimaryKey({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  occurred_at?: string;

  /** The writing transaction (`txid_current()`): one request's rows form one change set. */
  @Property({ type: 'bigint', columnType: 'bigint', nullable: true })
  txid?: string | null;

  /** Why the change was made (transaction-local `app.change_reason`). */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  reason?: string | null;
}
