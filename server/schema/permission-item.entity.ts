import type { Rel } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { AppUser } from './app-user.entity.js';
import { PermissionCategory } from './permission-category.entity.js';

/** Atomic permissions mapped to roles (Practitioner, Supervisor, etc.). */
@Resource({
  label: 'Permissions',
  area: 'Users & access',
  representation: '{name}',
  listFields: ['name', 'category_id', 'practitioner', 'supervisor', 'district_admin', 'system_admin', 'support'],
})
@Entity({ tableName: 'permission_item' })
export class PermissionItem {
  /** Permission ID. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** Parent category. */
  @ManyToOne(() => PermissionCategory, { fieldName: 'category_id', deleteRule: 'no action', index: true })
  category_id!: Rel<PermissionCategory>;

  /** Permission name/key. */
  @Property({ type: 'text', columnType: 'text', unique: true })
  name!: string;

  /** Granted to Practitioner role? */
  @Property({ type: 'boolean', columnType: 'boolean', nullable: true, default: false })
  practitioner?: boolean | null;

  /** For Supervisors? */
  @Property({ type: 'boolean', columnType: 'boolean', nullable: true, default: false })
  supervisor?: boolean | null;

  /** For District Admins? */
  @Property({ type: 'boolean', columnType: 'boolean', nullable: true, default: false })
  district_admin?: boolean | null;

  /** For System Admin? */
  @Property({ type: 'boolean', columnType: 'boolean', nullable: true, default: false })
  system_admin?: boolean | null;

  /** For Support staff? (Added by the sign-in migration; not in the dictionary.) */
  @Property({ type: 'boolean', columnType: 'boolean', nullable: true, default: false })
  support?: boolean | null;

  /** Created timestamp. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true, defaultRaw: 'now()' })
  created_at?: string | null;

  /** Updated timestamp. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true, defaultRaw: 'now()' })
  updated_at?: string | null;

  /** Creator. */
  @ManyToOne(() => AppUser, { fieldName: 'created_by', nullable: true, deleteRule: 'no action', index: true })
  created_by?: Rel<AppUser>;

  /** Updater. */
  @ManyToOne(() => AppUser, { fieldName: 'updated_by', nullable: true, deleteRule: 'no action', index: true })
  updated_by?: Rel<AppUser>;
}
