import type { Rel } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { AppUser } from './app-user.entity.js';
import { PermissionCategory } from './permission-category.entity.js';
import { forEachRole } from './roles.js';

/** The matrix's list shows each role's column (filled in below, a role at a time). */
const listFields = ['name', 'category_id'];
const labels: Record<string, string> = {};

/** Atomic permissions mapped to roles (Practitioner, Supervisor, etc.). */
@Resource({
  feature: 'permissions',
  label: 'Permissions',
  area: 'Users & access',
  representation: '{name}',
  listFields,
  labels,
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

/**
 * A column per declared role (schema/roles.ts): whether the role holds the permission. A role
 * declared later gets its column the same way, so adding a role is one declaration (and the
 * migration its column needs).
 */
forEachRole((role) => {
  Property({ type: 'boolean', columnType: 'boolean', nullable: true, default: false })(PermissionItem.prototype, role.key);
  listFields.push(role.key);
  labels[role.key] = role.label;
});
