import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { Stamped, type StampColumns } from './stamps.js';

/** Billing modifiers (U4, HA, HQ, 93, 95, etc.) with requirements. */
@Resource({
  label: 'Modifiers',
  representation: '{code} — {description}',
  listFields: ['code', 'description', 'required'],
})
@Entity({ tableName: 'modifier' })
@Stamped()
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
}

/** The columns `@Stamped()` declares, for the compiler. */
export interface Modifier extends StampColumns {}
