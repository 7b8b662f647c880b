import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { CONFLICT_ACTIONS, CONFLICT_CHECKS } from '../audit/write-conflict.sql.js';
import { Resource } from './resource.js';

/**
 * Writes refused because the record changed since it was read (server/audit/write-conflicts.ts):
 * who, which record, when. Append-only and chained like the other logs (why a log of its own:
 * server/audit/write-conflict.sql.ts); counted on the supervisors' dashboard.
 */
@Resource({
  label: 'Write conflicts',
  singular: 'Write conflict',
  // The Audit area: readers need audit.browse, as for the audit trail it sits beside.
  area: 'Audit',
  readOnly: true,
  audited: false,
  appendOnlyAt: 'occurred_at',
  representation: '{action} {table_name} #{id}',
  choices: { action: CONFLICT_ACTIONS, checked: CONFLICT_CHECKS },
  references: { user_id: 'app_user' },
  labels: { user_id: 'User', table_name: 'Table', record_pk: 'Record', checked: 'What no longer matched', client_address: 'Client address' },
  listFields: ['occurred_at', 'user_id', 'action', 'table_name', 'record_pk', 'checked'],
  // The audit trail's reach: conflicts of tables (and records) the caller may show, and no others.
  recordImages: { table: 'table_name', pk: 'record_pk', images: [] },
  aggregate: { groupBy: ['occurred_at', 'table_name', 'user_id'] },
  crossSearch: false,
})
@Entity({ tableName: 'write_conflict' })
@Index({ properties: ['occurred_at'] })
@Index({ properties: ['table_name', 'record_pk'] })
export class WriteConflict {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  occurred_at?: string;

  /** Whose write was refused. */
  @Property({ type: 'integer', columnType: 'int', nullable: true })
  user_id?: number | null;

  /** The refused write: an edit (a PUT or a restore). */
  @Property({ type: 'text', columnType: 'text' })
  action!: string;

  /** What no longer matched what the writer had read: the version field, or the If-Match tag. */
  @Property({ type: 'text', columnType: 'text' })
  checked!: string;

  /** The record's table and the record, `{"id": n}` as in the audit log (so the same reach applies). */
  @Property({ type: 'text', columnType: 'text' })
  table_name!: string;

  @Property({ type: 'json', columnType: 'jsonb' })
  record_pk!: unknown;

  @Property({ type: 'text', columnType: 'text', nullable: true })
  client_address?: string | null;
}
