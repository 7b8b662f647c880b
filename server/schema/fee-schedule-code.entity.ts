import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { Stamped, type StampColumns } from './stamps.js';

/** CYBHI fee schedule entries: procedure codes, descriptions, timing, rates, flags. */
@Resource({
  formats: { rate_amount: 'money', effective_year: 'plain-number' },
  rules: { base_minutes: { min: 0 }, group_size_min: { min: 1 }, group_size_max: { min: 1 }, rate_amount: { min: 0 }, effective_year: { min: 2000, max: 2100 } },
  ordered: [['group_size_min', 'group_size_max']],
  uniqueTogether: [['procedure_code', 'effective_year']],
  label: 'Fee schedule codes',
  representation: '{procedure_code} — {service_description}',
  choices: { service_category: ['Psychoeducation', 'Screenings/Assessments', 'Treatment', 'Case Mgmt/Care Coordination'] },
  listFields: ['procedure_code', 'service_description', 'service_category', 'rate_amount', 'rate_unit', 'effective_year'],
  sections: {
    Code: ['procedure_code', 'service_description', 'service_category', 'add_on_to_code'],
    Timing: ['time_increment_text', 'base_minutes', 'group_size_min', 'group_size_max'],
    Rate: ['rate_amount', 'rate_unit', 'effective_year', 'source_version'],
    Flags: ['dyadic_allowed', 'telehealth_audio', 'telehealth_av', 'notes'],
  },
})
@Entity({ tableName: 'fee_schedule_code' })
@Stamped()
export class FeeScheduleCode {
  /** Row ID. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** CPT/HCPCS/T code (unique within CYBHI). */
  @Property({ type: 'text', columnType: 'text' })
  procedure_code!: string;

  /** Human readable description. */
  @Property({ type: 'text', columnType: 'text' })
  service_description!: string;

  /** e.g., Psychoeducation, Treatment, Screenings/Assessments. */
  @Property({ type: 'text', columnType: 'text' })
  service_category!: string;

  /** Free text (e.g., "each 15 min", "first 60 min"). */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  time_increment_text?: string | null;

  /** Parsed base minutes for increments (if relevant). */
  @Property({ type: 'integer', columnType: 'int', nullable: true })
  base_minutes?: number | null;

  /** Minimum group size if group code. */
  @Property({ type: 'integer', columnType: 'int', nullable: true })
  group_size_min?: number | null;

  /** Maximum group size if specified. */
  @Property({ type: 'integer', columnType: 'int', nullable: true })
  group_size_max?: number | null;

  /** Fee schedule rate. */
  @Property({ type: 'decimal', columnType: 'numeric(12,2)', nullable: true })
  rate_amount?: string | null;

  /** e.g., per 15 min, per session. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  rate_unit?: string | null;

  /** TRUE if caregiver dyadic billing allowed. */
  @Property({ type: 'boolean', columnType: 'boolean', nullable: true, default: false })
  dyadic_allowed?: boolean | null;

  /** TRUE if audio-only allowed. */
  @Property({ type: 'boolean', columnType: 'boolean', nullable: true, default: false })
  telehealth_audio?: boolean | null;

  /** TRUE if audio/video telehealth allowed. */
  @Property({ type: 'boolean', columnType: 'boolean', nullable: true, default: false })
  telehealth_av?: boolean | null;

  /** Base code if this is an add-on. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  add_on_to_code?: string | null;

  /** e.g., 2025. */
  @Property({ type: 'integer', columnType: 'int', nullable: true })
  effective_year?: number | null;

  /** Document/version label. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  source_version?: string | null;

  /** Special rules (midpoint, U1 usage, etc.). */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  notes?: string | null;
}

/** The columns `@Stamped()` declares, for the compiler. */
export interface FeeScheduleCode extends StampColumns {}
