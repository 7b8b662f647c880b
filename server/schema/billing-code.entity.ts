import type { Rel } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { AppUser } from './app-user.entity.js';

/** Legacy/general (non-CYBHI or shared) service codes & rates. */
@Resource({
  formats: { rate: 'money' },
  label: 'Billing codes',
  representation: '{code} — {description}',
  choices: { status: ['Active', 'Archived'] },
  area: 'Claims & billing',
  listFields: ['code', 'type', 'description', 'unit', 'rate', 'status'],
})
@Entity({ tableName: 'billing_code' })
export class BillingCode {
  /** Billing code ID. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** CPT/HCPCS/etc. */
  @Property({ type: 'text', columnType: 'text', unique: true })
  code!: string;

  /** Classification (Treatment, Assessment, ...). */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  type?: string | null;

  /** Description. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  description?: string | null;

  /** Unit of service (e.g., "per 15 min"). */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  unit?: string | null;

  /** Monetary rate. */
  @Property({ type: 'decimal', columnType: 'numeric(12,2)', nullable: true })
  rate?: string | null;

  /** Practitioner role tags. */
  @Property({ type: 'array', columnType: 'text[]', nullable: true })
  eligible_practitioners?: string[] | null;

  /** Active/Archived. */
  @Property({ type: 'text', columnType: 'text', nullable: true, default: 'Active', index: true })
  status?: string | null;

  /** Start date. */
  @Property({ type: 'date', columnType: 'date', nullable: true })
  effective_date?: string | null;

  /** True if limited to certain payers. */
  @Property({ type: 'boolean', columnType: 'boolean', nullable: true, default: false })
  payer_specific?: boolean | null;

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
