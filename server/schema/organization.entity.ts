import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { Stamped, type StampColumns } from './stamps.js';

/** Districts/organizations/payer entities. */
@Resource({
  rules: { contact_email: { format: 'email' } },
  label: 'Organizations',
  representation: '{name}',
  choices: { payer_type: ['Fee Schedule', 'LEA-BOP', 'Medi-Cal Managed Care', 'Commercial'], status: ['Active', 'Inactive'] },
  listFields: ['name', 'payer_type', 'status', 'effective_date', 'contact_email'],
})
@Entity({ tableName: 'organization' })
@Stamped()
export class Organization {
  /** Organization ID. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** Official name. */
  @Property({ type: 'text', columnType: 'text' })
  name!: string;

  /** Rendering provider name. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  orp_name?: string | null;

  /** ORP NPI number. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  orp_npi?: string | null;

  /** Fee Schedule, LEA-BOP, etc. */
  @Property({ type: 'text', columnType: 'text' })
  payer_type!: string;

  /** Active/Inactive. */
  @Property({ type: 'text', columnType: 'text', nullable: true, default: 'Active', index: true })
  status?: string | null;

  /** Config effective date. */
  @Property({ type: 'date', columnType: 'date', nullable: true })
  effective_date?: string | null;

  /** Primary contact. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  contact_email?: string | null;
}

/** The columns `@Stamped()` declares, for the compiler. */
export interface Organization extends StampColumns {}
