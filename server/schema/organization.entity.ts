import type { Rel } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { AppUser } from './app-user.entity.js';

/** Districts/organizations/payer entities. */
@Resource({
  rules: { contact_email: { format: 'email' } },
  label: 'Organizations',
  representation: '{name}',
  choices: { payer_type: ['Fee Schedule', 'LEA-BOP', 'Medi-Cal Managed Care', 'Commercial'], status: ['Active', 'Inactive'] },
  listFields: ['name', 'payer_type', 'status', 'effective_date', 'contact_email'],
})
@Entity({ tableName: 'organization' })
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
