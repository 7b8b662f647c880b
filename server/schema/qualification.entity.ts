import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { Stamped, type StampColumns } from './stamps.js';

/** Master list of professional credentials (licenses, certificates). */
@Resource({
  label: 'Qualifications',
  representation: '{code} — {description}',
  choices: { type: ['License', 'Credential', 'Certificate', 'Registration'], status: ['Active', 'Archived'] },
  listFields: ['code', 'type', 'description', 'status', 'jurisdiction'],
})
@Entity({ tableName: 'qualification' })
@Stamped()
export class Qualification {
  /** Qualification ID. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** License / Credential / Certificate. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  type?: string | null;

  /** Unique short code. */
  @Property({ type: 'text', columnType: 'text', nullable: true, unique: true })
  code?: string | null;

  /** Detailed name/description. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  description?: string | null;

  /** Active/Archived. */
  @Property({ type: 'text', columnType: 'text', nullable: true, default: 'Active', index: true })
  status?: string | null;

  /** Optional start date. */
  @Property({ type: 'date', columnType: 'date', nullable: true })
  effective_date?: string | null;

  /** Optional end date. */
  @Property({ type: 'date', columnType: 'date', nullable: true })
  expiration_date?: string | null;

  /** Text list of requirements. */
  @Property({ type: 'array', columnType: 'text[]', nullable: true })
  requirements?: string[] | null;

  /** State/region. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  jurisdiction?: string | null;
}

/** The columns `@Stamped()` declares, for the compiler. */
export interface Qualification extends StampColumns {}
