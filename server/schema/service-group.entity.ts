import type { Rel } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { CASEWORK_GRANTS } from './roles.js';
import { AppUser } from './app-user.entity.js';

/** Defines group therapy/classes; ties to practitioner; used by services. */
@Resource({
  defaultGrants: CASEWORK_GRANTS,
  scopes: {
    own: { field: 'practitioner_id', is: 'user' },
    district: { field: 'practitioner_id', via: 'app_user', where: { field: 'districts', overlaps: 'districts' } },
  },
  label: 'Service groups',
  area: 'Students & services',
  representation: '{name}',
  // Its name and description; type, place, frequency and duration are a few values each, found by
  // the list's filters. Each searched field has a trigram index (the groups grow with use).
  search: ['name', 'description'],
  choices: { status: ['Active', 'Inactive', 'Completed'] },
  listFields: ['name', 'practitioner_id', 'service_type', 'meeting_frequency', 'status'],
})
@Entity({ tableName: 'service_group' })
// Lists sort by (field, id) both ways: each of these indexes serves its field's sort forwards and backwards.
@Index({ name: 'service_group_practitioner_id_id_index', properties: ['practitioner_id', 'id'] })
@Index({ name: 'service_group_status_id_index', properties: ['status', 'id'] })
@Index({ name: 'service_group_created_by_id_index', properties: ['created_by', 'id'] })
@Index({ name: 'service_group_updated_by_id_index', properties: ['updated_by', 'id'] })
@Index({ name: 'service_group_name_trgm', expression: 'create index "service_group_name_trgm" on "service_group" using gin ("name" gin_trgm_ops)' })
@Index({ name: 'service_group_description_trgm', expression: 'create index "service_group_description_trgm" on "service_group" using gin ("description" gin_trgm_ops)' })
export class ServiceGroup {
  /** Group ID. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** Group name/label. */
  @Property({ type: 'text', columnType: 'text' })
  name!: string;

  /** About the group. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  description?: string | null;

  /** When group was created. */
  @Property({ type: 'date', columnType: 'date', nullable: true, defaultRaw: 'CURRENT_DATE' })
  created_date?: string | null;

  /** Creator user. */
  @ManyToOne(() => AppUser, { fieldName: 'created_by', nullable: true, deleteRule: 'no action' })
  created_by?: Rel<AppUser>;

  /** Assigned practitioner. */
  @ManyToOne(() => AppUser, { fieldName: 'practitioner_id', nullable: true, deleteRule: 'no action' })
  practitioner_id?: Rel<AppUser>;

  /** Active/Inactive/Completed. */
  @Property({ type: 'text', columnType: 'text', nullable: true, default: 'Active' })
  status?: string | null;

  /** Service category. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  service_type?: string | null;

  /** e.g., "2x/week". */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  meeting_frequency?: string | null;

  /** Typical session duration. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  duration?: string | null;

  /** Physical location. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  location?: string | null;

  /** Updated timestamp. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true, defaultRaw: 'now()' })
  updated_at?: string | null;

  /** Updater. */
  @ManyToOne(() => AppUser, { fieldName: 'updated_by', nullable: true, deleteRule: 'no action' })
  updated_by?: Rel<AppUser>;
}
