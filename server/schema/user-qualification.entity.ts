import type { Rel } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { AppUser } from './app-user.entity.js';
import { Qualification } from './qualification.entity.js';
import { Stamped, type StampColumns } from './stamps.js';

/** Which users hold which qualifications (many-to-many). */
@Resource({
  label: 'User qualifications',
  area: 'Users & access',
  representation: '#{id}',
  choices: { verification_status: ['Verified', 'Pending', 'Expired'] },
  editedFrom: ['user_id', 'qualification_id'],
  listFields: ['user_id', 'qualification_id', 'date_obtained', 'expiration_date', 'verification_status'],
})
@Entity({ tableName: 'user_qualification' })
@Unique({ properties: ['user_id', 'qualification_id'] })
@Stamped()
export class UserQualification {
  /** Row ID. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** User. */
  @ManyToOne(() => AppUser, { fieldName: 'user_id', deleteRule: 'cascade' })
  user_id!: Rel<AppUser>;

  /** Qualification. */
  @ManyToOne(() => Qualification, { fieldName: 'qualification_id', deleteRule: 'cascade', index: true })
  qualification_id!: Rel<Qualification>;

  /** When obtained. */
  @Property({ type: 'date', columnType: 'date', nullable: true })
  date_obtained?: string | null;

  /** When it expires. */
  @Property({ type: 'date', columnType: 'date', nullable: true })
  expiration_date?: string | null;

  /** Active flag. */
  @Property({ type: 'boolean', columnType: 'boolean', nullable: true, default: true })
  is_active?: boolean | null;

  /** Verified, Pending, Expired. */
  @Property({ type: 'text', columnType: 'text', nullable: true, default: 'Pending' })
  verification_status?: string | null;
}

/** The columns `@Stamped()` declares, for the compiler. */
export interface UserQualification extends StampColumns {}
