import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { ACCESS_ACTIONS } from '../audit/access-log.sql.js';
import { Resource } from './resource.js';

/**
 * Who read which records of an access-logged resource (`@Resource({ accessLogged: true })`), when
 * and how: one row per answered request, written by the server before the answer leaves it
 * (server/audit/access-log.ts). Append-only, partitioned by month, chained like audit_log.
 */
@Resource({
  feature: 'access-log',
  label: 'Access log',
  singular: 'Access event',
  // Not the Audit area: that one needs audit.browse, which district admins do not hold.
  area: 'Users & access',
  readOnly: true,
  audited: false,
  appendOnlyAt: 'occurred_at',
  representation: '{action} {table_name} #{id}',
  choices: { action: ACCESS_ACTIONS },
  references: { user_id: 'app_user' },
  labels: { record_ids: 'Records', client_address: 'Client address', user_id: 'User' },
  listFields: ['occurred_at', 'user_id', 'action', 'table_name', 'record_ids', 'client_address'],
  // A district admin sees the reads of their districts' students and the reads their districts'
  // staff made; a practitioner granted the list sees their own reads.
  scopes: {
    own: { field: 'user_id', is: 'user' },
    district: {
      any: [
        { field: 'user_id', via: 'app_user', where: { field: 'districts', overlaps: 'districts' } },
        { all: [{ field: 'table_name', equals: 'student' }, { field: 'record_ids', allVia: 'student' }] },
      ],
    },
  },
  // A read of students of several districts is not shown to a district admin by the records it
  // names (that would name the other districts' students); and a filter on a field the viewer may
  // not see (a Medi-Cal id) is left out of every answer.
  recordFilters: { table: 'table_name', columns: ['filter'] },
})
@Entity({ tableName: 'access_log' })
@Index({ name: 'access_log_record_ids_index', expression: 'create index "access_log_record_ids_index" on "access_log" using gin ("record_ids")' })
@Index({ properties: ['occurred_at'] })
@Index({ properties: ['user_id', 'occurred_at'] })
export class AccessLog {
  /** Access event ID (from one sequence across every partition). */
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  /** The person who read the records. */
  @Property({ type: 'integer', columnType: 'int' })
  user_id!: number;

  /** The resource read (student, claim, ...). */
  @Property({ type: 'text', columnType: 'text' })
  table_name!: string;

  /** The ids of the records answered (a list page: the ids shown; an export: the ids exported). */
  @Property({ type: 'bigint[]', columnType: 'bigint[]' })
  record_ids!: string[];

  /** How: show, list, export, download or history. */
  @Property({ type: 'text', columnType: 'text' })
  action!: string;

  /** When the answer was given; the table is partitioned by month of it. */
  @PrimaryKey({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  occurred_at?: string;

  /** The client's address (behind a balancer, as TRUST_PROXY allows). */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  client_address?: string | null;

  /** The request's filter, where it had one (a list, an export). */
  @Property({ type: 'json', columnType: 'jsonb', nullable: true })
  filter?: unknown | null;
}
