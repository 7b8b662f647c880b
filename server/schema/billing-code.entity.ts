import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { Stamped, type StampColumns } from './stamps.js';

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
@Stamped()
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
}

/** The columns `@Stamped()` declares, for the compiler. */
export interface BillingCode extends StampColumns {}
