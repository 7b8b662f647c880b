import type { Rel } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { CASEWORK_GRANTS } from './roles.js';
import { AppUser } from './app-user.entity.js';
import { Student } from './student.entity.js';
import { Stamped, type StampColumns } from './stamps.js';

/** Scheduled/delivered service sessions (individual or group). */
@Resource({
  defaultGrants: CASEWORK_GRANTS,
  accessLogged: true,
  rules: { duration_minutes: { min: 0, max: 1440 } },
  ordered: [['service_time', 'end_time']],
  scopes: {
    own: { field: 'practitioner_id', is: 'user' },
    district: { field: 'student_id', via: 'student' },
  },
  label: 'Services',
  area: 'Students & services',
  representation: '{service_type} on {service_date}',
  choices: { status: ['Upcoming', 'Incomplete', 'Completed', 'Cancelled'] },
  // Its free text (500,000 rows at scale) has no trigram index: searched from its own list, not the search box.
  crossSearch: false,
  listFields: ['service_date', 'student_id', 'practitioner_id', 'service_type', 'duration_minutes', 'status'],
  commonFilters: [['status'], ['practitioner_id'], ['student_id'], ['service_date']],
})
@Entity({ tableName: 'service' })
// Lists sort by (field, id) both ways: each of these indexes serves its field's sort forwards and backwards.
@Index({ name: 'service_student_id_id_index', properties: ['student_id', 'id'] })
@Index({ name: 'service_practitioner_id_id_index', properties: ['practitioner_id', 'id'] })
@Index({ name: 'service_service_date_id_index', properties: ['service_date', 'id'] })
@Index({ name: 'service_status_id_index', properties: ['status', 'id'] })
@Index({ name: 'service_created_by_id_index', properties: ['created_by', 'id'] })
@Index({ name: 'service_updated_by_id_index', properties: ['updated_by', 'id'] })
@Stamped({ index: false })
export class Service {
  /** Service ID. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** Student receiving service. */
  @ManyToOne(() => Student, { fieldName: 'student_id', deleteRule: 'no action' })
  student_id!: Rel<Student>;

  /** Practitioner rendering service. */
  @ManyToOne(() => AppUser, { fieldName: 'practitioner_id', deleteRule: 'no action' })
  practitioner_id!: Rel<AppUser>;

  /** Date provided/scheduled. */
  @Property({ type: 'date', columnType: 'date' })
  service_date!: string;

  /** Scheduled start time. */
  @Property({ type: 'time', columnType: 'time', nullable: true })
  service_time?: string | null;

  /** Actual end time. */
  @Property({ type: 'time', columnType: 'time', nullable: true })
  end_time?: string | null;

  /** Planned duration. */
  @Property({ type: 'integer', columnType: 'int', nullable: true })
  duration_minutes?: number | null;

  /** Code/category (e.g., “Speech Therapy”). */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  service_type?: string | null;

  /** School, Home, etc. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  location?: string | null;

  /** Upcoming, Incomplete, Completed, Cancelled. */
  @Property({ type: 'text', columnType: 'text', nullable: true, default: 'Upcoming' })
  status?: string | null;

  /** Required notes (completion). */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  case_notes?: string | null;

  /** Pre-service notes. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  appointment_notes?: string | null;

  /** true if group session. */
  @Property({ type: 'boolean', columnType: 'boolean', nullable: true, default: false })
  is_group_service?: boolean | null;

  /** Group label if group session. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  group_name?: string | null;
}

/** The columns `@Stamped()` declares, for the compiler. */
export interface Service extends StampColumns {}
