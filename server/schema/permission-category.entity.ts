import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { Stamped, type StampColumns } from './stamps.js';

/** Top-level permission grouping for RBAC UI. */
@Resource({
  feature: 'permission-areas',
  label: 'Permission categories',
  area: 'Users & access',
  representation: '{title}',
  listFields: ['title', 'icon', 'expanded'],
})
@Entity({ tableName: 'permission_category' })
@Stamped()
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
}

/** The columns `@Stamped()` declares, for the compiler. */
export interface PermissionCategory extends StampColumns {}
