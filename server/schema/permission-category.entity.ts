import type { Rel } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { AppUser } from './app-user.entity.js';

/** Top-level permission grouping for RBAC UI. */
@Resource({
  feature: 'permission-areas',
  label: 'Permission categories',
  area: 'Users & access',
  representation: '{title}',
  listFields: ['title', 'icon', 'expanded'],
})
@Entity({ tableName: 'permission_category' })
export class PermissionCategory {
  /** Category ID. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** Display title. */
  @Property({ type: 'text', columnType: 'text' })
  title!: string;

  /** UI icon hint. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  icon?: string | null;

  /** Default UI expansion. */
  @Property({ type: 'boolean', columnType: 'boolean', nullable: true, default: false })
  expanded?: boolean | null;

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
