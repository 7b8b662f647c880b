import type { Rel } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { PermissionCategory } from './permission-category.entity.js';
import { forEachRole } from './roles.js';
import { Stamped, type StampColumns } from './stamps.js';

/** The matrix's list shows each role's column (filled in below, a role at a time). */
const listFields = ['name', 'category_id'];
const labels: Record<string, string> = {};
/**
 * The matrix decides who holds `permission.manage`, so whoever writes it must hold that already, as
 * whoever writes a user's role must: `permission_item.edit` alone would let a role grant itself
 * everything (each role's column is added below).
 */
const MANAGE = 'permission.manage';
const fieldPermissions: Record<string, string> = { name: MANAGE, category_id: MANAGE };

/** Atomic permissions mapped to roles (Practitioner, Supervisor, etc.). */
@Resource({
  feature: 'permissions',
  label: 'Permissions',
  area: 'Users & access',
  representation: '{name}',
  listFields,
  labels,
  fieldPermissions,
})
@Entity({ tableName: 'permission_item' })
@Stamped()
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
  fieldPermissions[role.key] = MANAGE;
});

/** The columns `@Stamped()` declares, for the compiler. */
export interface PermissionItem extends StampColumns {}
