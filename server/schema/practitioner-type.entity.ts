import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { Stamped, type StampColumns } from './stamps.js';

/** CYBHI practitioner acronyms list (MD, LCSW, CHW, etc.). */
@Resource({
  label: 'Practitioner types',
  representation: '{code} — {description}',
  listFields: ['code', 'description'],
})
@Entity({ tableName: 'practitioner_type' })
@Stamped()
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
}

/** The columns `@Stamped()` declares, for the compiler. */
export interface PractitionerType extends StampColumns {}
