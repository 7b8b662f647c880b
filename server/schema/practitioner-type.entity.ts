import type { Rel } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { AppUser } from './app-user.entity.js';

/** CYBHI practitioner acronyms list (MD, LCSW, CHW, etc.). */
@Resource({
  label: 'Practitioner types',
  representation: '{code} — {description}',
  listFields: ['code', 'description'],
})
@Entity({ tableName: 'practitioner_type' })
export class PractitionerType {
  /** Row ID. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** Short code, e.g., LCSW, CHW. */
  @Property({ type: 'text', columnType: 'text', unique: true })
  code!: string;

  /** Full description. */
  @Property({ type: 'text', columnType: 'text' })
  description!: string;

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
