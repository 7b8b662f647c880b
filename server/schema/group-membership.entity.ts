import type { Rel } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { CASEWORK_GRANTS } from './roles.js';
import { ServiceGroup } from './service-group.entity.js';
import { Student } from './student.entity.js';
import { Stamped, type StampColumns } from './stamps.js';

/** Students assigned to groups (many-to-many: group ⇄ student). */
@Resource({
  defaultGrants: CASEWORK_GRANTS,
  accessLogged: true,
  scopes: {
    own: { field: 'group_id', via: 'service_group' },
    district: { field: 'student_id', via: 'student' },
  },
  label: 'Group memberships',
  area: 'Students & services',
  representation: '#{id}',
  choices: { status: ['Active', 'Inactive'] },
  editedFrom: ['group_id', 'student_id'],
  listFields: ['group_id', 'student_id', 'join_date', 'status', 'exit_date'],
  commonFilters: [['group_id'], ['student_id'], ['status']],
  // Named "#id" and found from its group or its student: its one text, an exit reason, would make
  // every search read all memberships for hits labelled by number.
  crossSearch: false,
})
@Entity({ tableName: 'group_membership' })
@Index({ name: 'group_membership_group_id_id_index', properties: ['group_id', 'id'] })
// Lists sort by (field, id) both ways: each of these indexes serves its field's sort forwards and backwards.
@Index({ name: 'group_membership_student_id_id_index', properties: ['student_id', 'id'] })
@Index({ name: 'group_membership_status_id_index', properties: ['status', 'id'] })
@Index({ name: 'group_membership_created_by_id_index', properties: ['created_by', 'id'] })
@Index({ name: 'group_membership_updated_by_id_index', properties: ['updated_by', 'id'] })
@Unique({ properties: ['group_id', 'student_id'] })
@Stamped({ index: false })
export class GroupMembership {
  /** Row ID. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** Group. */
  @ManyToOne(() => ServiceGroup, { fieldName: 'group_id', deleteRule: 'cascade' })
  group_id!: Rel<ServiceGroup>;

  /** Student. */
  @ManyToOne(() => Student, { fieldName: 'student_id', deleteRule: 'cascade' })
  student_id!: Rel<Student>;

  /** When student joined. */
  @Property({ type: 'date', columnType: 'date', nullable: true })
  join_date?: string | null;

  /** Active/Inactive. */
  @Property({ type: 'text', columnType: 'text', nullable: true, default: 'Active' })
  status?: string | null;

  /** When exited. */
  @Property({ type: 'date', columnType: 'date', nullable: true })
  exit_date?: string | null;

  /** Reason for exit. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  exit_reason?: string | null;
}

/** The columns `@Stamped()` declares, for the compiler. */
export interface GroupMembership extends StampColumns {}
