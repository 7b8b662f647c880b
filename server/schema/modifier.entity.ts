import type { Rel } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { AppUser } from './app-user.entity.js';

/** Billing modifiers (U4, HA, HQ, 93, 95, etc.) with requirements. */
@Resource({
  label: 'Modifiers',
  representation: '{code} — {description}',
  listFields: ['code', 'description', 'required'],
})
@Entity({ tableName: 'modifier' })
export class Modifier {
  /** Modifier ID. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** Modifier code (U4, HA, etc.). */
  @Property({ type: 'text', columnType: 'text', unique: true })
  code!: string;

  /** Meaning. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  description?: string | null;

  /** If always required for some program. */
  @Property({ type: 'boolean', columnType: 'boolean', nullable: true, default: false })
  required?: boolean | null;

  /** Extra rules/usage notes. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  notes?: string | null;

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
