import type { Rel } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Unique } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { AppUser } from './app-user.entity.js';
import { PractitionerType } from './practitioner-type.entity.js';
import { Stamped, type StampColumns } from './stamps.js';

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
@Stamped()
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
}

/** The columns `@Stamped()` declares, for the compiler. */
export interface UserPractitionerType extends StampColumns {}
