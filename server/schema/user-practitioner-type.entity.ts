import type { Rel } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { AppUser } from './app-user.entity.js';
import { PractitionerType } from './practitioner-type.entity.js';

/** Map users to CYBHI practitioner types (MD, CHW, etc.). */
@Resource({
  label: 'User practitioner types',
  area: 'Users & access',
  representation: '#{id}',
  editedFrom: ['user_id', 'practitioner_type_id'],
  listFields: ['user_id', 'practitioner_type_id'],
})
@Entity({ tableName: 'user_practitioner_type' })
@Unique({ properties: ['user_id', 'practitioner_type_id'] })
export class UserPractitionerType {
  /** Row ID. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** User. */
  @ManyToOne(() => AppUser, { fieldName: 'user_id', deleteRule: 'cascade' })
  user_id!: Rel<AppUser>;

  /** Type code. */
  @ManyToOne(() => PractitionerType, { fieldName: 'practitioner_type_id', deleteRule: 'cascade', index: true })
  practitioner_type_id!: Rel<PractitionerType>;

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
