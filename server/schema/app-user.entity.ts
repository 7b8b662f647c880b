import type { Rel } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { SYSTEM_EMAIL } from '../db/system-user.js';
import { Resource } from './resource.js';
import { ROLE_NAMES } from './roles.js';
import { Stamped, type StampColumns } from './stamps.js';


/** All platform users (practitioners, supervisors, admins, support). */
@Resource({
  tools: ['password', 'second-factor'],
  serverManaged: ['last_login'],
  // A sign-in is an authentication event (auth_event), not a change of the user's record.
  quietChanges: ['last_login'],
  rules: { email: { format: 'email', maxLength: 254 }, first_name: { maxLength: 100 }, last_name: { maxLength: 100 } },
  fieldPermissions: { role: 'permission.manage', permission_level: 'permission.manage', districts: 'permission.manage', status: 'permission.manage' },
  // Nobody changes their own role, level, districts or status (and so cannot lock themselves out).
  selfProtected: ['role', 'permission_level', 'districts', 'status'],
  // Pickers (a student's practitioner, a group's facilitator) offer active people only.
  offered: { status: 'Active', email_neq: SYSTEM_EMAIL },
  // The admins' dashboard counts these, and links to the list they make.
  namedFilters: {
    without_practitioner_type: {
      label: 'Without a practitioner type',
      where: 'NOT EXISTS (SELECT 1 FROM user_practitioner_type t WHERE t.user_id = app_user.id)',
      reads: ['user_practitioner_type'],
    },
  },
  label: 'Users',
  area: 'Users & access',
  representation: '{first_name} {last_name}',
  choices: {
    status: ['Active', 'Inactive', 'Suspended'],
    role: ROLE_NAMES,
    permission_level: ['Standard', 'Advanced', 'Full'],
    user_type: ['Embedded', 'Affiliated'],
  },
  listFields: ['first_name', 'last_name', 'email', 'role', 'status', 'department'],
  sections: {
    Identity: ['first_name', 'last_name', 'email', 'phone', 'address'],
    Role: ['role', 'status', 'permission_level', 'user_type', 'department', 'supervisor_id', 'districts'],
    Practice: ['npi', 'license_number', 'hire_date', 'last_login'],
  },
})
@Entity({ tableName: 'app_user' })
// Sign-in ignores the case of an email, so two accounts may not differ by case alone.
@Index({ name: 'app_user_email_lower_unique', expression: 'create unique index "app_user_email_lower_unique" on "app_user" (lower("email"))' })
@Stamped()
export class AppUser {
  /** User ID. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** First name. */
  @Property({ type: 'text', columnType: 'text' })
  first_name!: string;

  /** Last name. */
  @Property({ type: 'text', columnType: 'text', index: true })
  last_name!: string;

  /** Unique login/email. */
  @Property({ type: 'text', columnType: 'text', unique: true })
  email!: string;

  /** Optional phone. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  phone?: string | null;

  /** Optional address. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  address?: string | null;

  /** National Provider Identifier (practitioners). */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  npi?: string | null;

  /** Professional license number. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  license_number?: string | null;

  /** Employment start date. */
  @Property({ type: 'date', columnType: 'date', nullable: true })
  hire_date?: string | null;

  /** Account status: Active, Inactive, Suspended. */
  @Property({ type: 'text', columnType: 'text', nullable: true, default: 'Active', index: true })
  status?: string | null;

  /** Last login timestamp. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  last_login?: string | null;

  /** Practitioner, Supervisor, Admin, Support, etc. */
  @Property({ type: 'text', columnType: 'text' })
  role!: string;

  /** Dept/Team. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  department?: string | null;

  /** User’s supervisor. */
  @ManyToOne(() => AppUser, { fieldName: 'supervisor_id', nullable: true, deleteRule: 'no action', index: true })
  supervisor_id?: Rel<AppUser>;

  /** List of district names/IDs. */
  @Property({ type: 'array', columnType: 'text[]', nullable: true })
  districts?: string[] | null;

  /** Embedded / Affiliated etc. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  user_type?: string | null;

  /** Standard, Advanced, Full. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  permission_level?: string | null;
}

/** The columns `@Stamped()` declares, for the compiler. */
export interface AppUser extends StampColumns {}
