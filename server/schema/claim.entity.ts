import type { Rel } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { ACTIONS } from './matrix-terms.js';
import { CASEWORK_GRANTS } from './roles.js';
import { Student } from './student.entity.js';
import { Stamped, type StampColumns } from './stamps.js';

/** Insurance claims lifecycle (837/835), amounts, modifiers, audit. */
@Resource({
  formats: { billed_amount: 'money', paid_amount: 'money' },
  defaultGrants: { district_admin: ACTIONS, support: CASEWORK_GRANTS.support },
  accessLogged: true,
  // As billed: changing the claim's student copies that student's name and birthdate.
  copiedFrom: { student_ssid: { student_name: '{last_name}, {first_name}', student_dob: '{birthdate}' } },
  rules: { billed_amount: { min: 0 }, paid_amount: { min: 0 }, quantity: { min: 0 }, modifiers: { distinct: true }, student_dob: { notFuture: true } },
  identifiers: ['claim_number', 'student_ssid', 'batch_number', 'service_code'],
  search: ['claim_number', 'student_name', 'student_ssid', 'batch_number', 'service_code'],
  scopes: {
    own: { field: 'student_ssid', via: 'student' },
    district: { field: 'district', in: 'districts' },
  },
  label: 'Claims',
  area: 'Claims & billing',
  representation: '{claim_number}',
  askReason: true,
  // "What did this student's record say when the claim was billed?"
  asOfLinks: [
    { label: 'Student as of the service date', resource: 'student', match: { ssid: 'student_ssid' }, at: 'service_date' },
    { label: 'Fee schedule code as of the service date', resource: 'fee_schedule_code', match: { procedure_code: 'service_code' }, at: 'service_date' },
  ],
  choices: { status: ['Incomplete', 'Approved', 'Submitted', 'Paid', 'Rejected'] },
  elementsReference: { modifiers: 'modifier.code' },
  listFields: ['claim_number', 'student_name', 'service_date', 'service_code', 'billed_amount', 'paid_amount', 'status', 'district'],
  commonFilters: [['status'], ['district'], ['status', 'district'], ['student_ssid']],
  // What the billing dashboard counts: a rejected claim's reason is the first denial code of its 835.
  aggregate: {
    groupBy: ['status', 'district', 'service_date', 'finalized_date', 'service_code', 'insurance_type', 'medi_cal_eligible'],
    sum: ['billed_amount', 'paid_amount'],
    derived: { denial_code: { label: 'Denial code', field: 'remittance_data', sql: "remittance_data #>> '{denial_codes,0}'" } },
  },
  sections: {
    Claim: ['claim_number', 'batch_number', 'status', 'service_date', 'finalized_date', 'district'],
    Service: ['service_code', 'service_description', 'quantity', 'quantity_type', 'location', 'frequency_type', 'modifiers'],
    Amounts: ['billed_amount', 'paid_amount', 'remittance_data'],
    Providers: ['rendering_provider', 'rendering_provider_npi', 'referring_provider', 'referring_provider_npi'],
    Student: ['student_ssid', 'student_name', 'student_dob', 'insurance_type', 'insurance_carrier', 'medi_cal_eligible', 'carelon_id', 'consent_to_treat', 'consent_to_bill'],
  },
})
@Entity({ tableName: 'claim' })
// Lists sort by (field, id) both ways: each of these indexes serves its field's sort forwards and backwards.
@Index({ name: 'claim_batch_number_id_index', properties: ['batch_number', 'id'] })
@Index({ name: 'claim_status_id_index', properties: ['status', 'id'] })
@Index({ name: 'claim_service_date_id_index', properties: ['service_date', 'id'] })
@Index({ name: 'claim_district_id_index', properties: ['district', 'id'] })
@Index({ name: 'claim_student_ssid_id_index', properties: ['student_ssid', 'id'] })
@Index({ name: 'claim_created_by_id_index', properties: ['created_by', 'id'] })
@Index({ name: 'claim_updated_by_id_index', properties: ['updated_by', 'id'] })
// `q` stays an index scan at scale: identifiers by their start (a btree on lower(field)), names anywhere (trigrams, ILIKE '%term%').
// The list people open most (a district's claims of one status, by date) is one index range scan.
@Index({ name: 'claim_status_district_service_date_index', properties: ['status', 'district', 'service_date', 'id'] })
@Index({ name: 'claim_claim_number_prefix', expression: 'create index "claim_claim_number_prefix" on "claim" (lower("claim_number") text_pattern_ops)' })
@Index({ name: 'claim_student_name_trgm', expression: 'create index "claim_student_name_trgm" on "claim" using gin ("student_name" gin_trgm_ops)' })
@Index({ name: 'claim_student_ssid_prefix', expression: 'create index "claim_student_ssid_prefix" on "claim" (lower("student_ssid") text_pattern_ops)' })
@Index({ name: 'claim_batch_number_prefix', expression: 'create index "claim_batch_number_prefix" on "claim" (lower("batch_number") text_pattern_ops)' })
@Index({ name: 'claim_service_code_prefix', expression: 'create index "claim_service_code_prefix" on "claim" (lower("service_code") text_pattern_ops)' })
// The billing figures (claims by month, status and amounts, within a district or a practitioner's students), read from this index alone.
@Index({ name: 'claim_service_date_figures_index', expression: 'create index "claim_service_date_figures_index" on "claim" ("service_date") include ("status", "district", "student_ssid", "billed_amount", "paid_amount")' })
@Stamped({ index: false })
export class Claim {
  /** Internal claim ID. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** External claim number. */
  @Property({ type: 'text', columnType: 'text', unique: true })
  claim_number!: string;

  /** Batch grouping ID. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  batch_number?: string | null;

  /** Claim status: Incomplete, Approved, Submitted, Paid, Rejected. */
  @Property({ type: 'text', columnType: 'text', nullable: true, default: 'Incomplete' })
  status?: string | null;

  /** Date of service. */
  @Property({ type: 'date', columnType: 'date', nullable: true })
  service_date?: string | null;

  /** Amount billed. */
  @Property({ type: 'decimal', columnType: 'numeric(12,2)', nullable: true })
  billed_amount?: string | null;

  /** Amount paid. */
  @Property({ type: 'decimal', columnType: 'numeric(12,2)', nullable: true })
  paid_amount?: string | null;

  /** Date paid/settled. */
  @Property({ type: 'date', columnType: 'date', nullable: true })
  finalized_date?: string | null;

  /** Billing code used. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  service_code?: string | null;

  /** Description of that service. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  service_description?: string | null;

  /** Units/quantity. */
  @Property({ type: 'decimal', columnType: 'numeric', nullable: true })
  quantity?: string | null;

  /** Unit type (UN, etc.). */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  quantity_type?: string | null;

  /** Place of service. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  location?: string | null;

  /** Frequency limit descriptor. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  frequency_type?: string | null;

  /** Provider name. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  rendering_provider?: string | null;

  /** Provider NPI. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  rendering_provider_npi?: string | null;

  /** Referring provider name. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  referring_provider?: string | null;

  /** Referring NPI. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  referring_provider_npi?: string | null;

  /** District billed under. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  district?: string | null;

  /** SSID from student table. */
  @ManyToOne(() => Student, { fieldName: 'student_ssid', targetKey: 'ssid', nullable: true, deleteRule: 'no action' })
  student_ssid?: Rel<Student>;

  /** Snapshot of student name. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  student_name?: string | null;

  /** DOB snapshot. */
  @Property({ type: 'date', columnType: 'date', nullable: true })
  student_dob?: string | null;

  /** Insurance type. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  insurance_type?: string | null;

  /** Carrier. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  insurance_carrier?: string | null;

  /** Medicaid eligibility flag. */
  @Property({ type: 'boolean', columnType: 'boolean', nullable: true })
  medi_cal_eligible?: boolean | null;

  /** Carelon ID if used. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  carelon_id?: string | null;

  /** Consent recorded? */
  @Property({ type: 'boolean', columnType: 'boolean', nullable: true })
  consent_to_treat?: boolean | null;

  /** Billing consent recorded? */
  @Property({ type: 'boolean', columnType: 'boolean', nullable: true })
  consent_to_bill?: boolean | null;

  /** Array of modifiers (U4, HA, etc.). */
  @Property({ type: 'array', columnType: 'text[]', nullable: true })
  modifiers?: string[] | null;

  /** 835 ERA data (denial codes, trace numbers, etc.). */
  @Property({ type: 'json', columnType: 'jsonb', nullable: true })
  remittance_data?: unknown | null;
}

/** The columns `@Stamped()` declares, for the compiler. */
export interface Claim extends StampColumns {}
