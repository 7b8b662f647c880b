import type { Rel } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { CASEWORK_GRANTS } from './roles.js';
import { AppUser } from './app-user.entity.js';
import { Stamped, type StampColumns } from './stamps.js';

/** Core student demographics, education, insurance, consent. */
@Resource({
  defaultGrants: CASEWORK_GRANTS,
  accessLogged: true,
  rules: { birthdate: { notFuture: true }, grade: { min: -1, max: 12 }, first_name: { maxLength: 100 }, last_name: { maxLength: 100 }, preferred_name: { maxLength: 100 } },
  identifiers: ['ssid', 'local_id'],
  search: ['last_name', 'first_name', 'preferred_name', 'ssid', 'local_id'],
  scopes: {
    own: { field: 'practitioner_id', is: 'user' },
    district: { field: 'district', in: 'districts' },
  },
  label: 'Students',
  area: 'Students & services',
  representation: '{last_name}, {first_name} ({ssid})',
  askReason: true,
  choices: { status: ['Active', 'Inactive'] },
  sensitive: ['insurance_group_number', 'insurance_policy_number', 'medi_cal_benefits_id'],
  listFields: ['last_name', 'first_name', 'ssid', 'birthdate', 'grade', 'district', 'school', 'status'],
  commonFilters: [['district'], ['status'], ['practitioner_id'], ['district', 'status']],
  sections: {
    Demographics: ['ssid', 'local_id', 'first_name', 'last_name', 'preferred_name', 'birthdate', 'gender', 'status', 'primary_disability'],
    School: ['district', 'school', 'grade', 'practitioner_id', 'transportation_team', 'transportation_needs'],
    Contacts: ['address', 'city', 'state', 'zip_code', 'primary_contact_name', 'primary_contact_phone', 'emergency_contact_name', 'emergency_contact_phone'],
    Insurance: ['insurance_type', 'insurance_carrier', 'insurance_group_number', 'insurance_policy_number', 'insurance_effective_date', 'medi_cal_eligible', 'medi_cal_benefits_id', 'copay_id'],
    Consent: ['parental_consent_on_file', 'parental_consent_in_bill', 'parental_consent_given', 'parental_consent_date'],
    IEP: ['iep_date', 'next_review_date', 'comments'],
  },
  sectionDocuments: { Consent: 'Parental Consent' },
})
@Entity({ tableName: 'student' })
// Lists sort by (field, id) both ways: each of these indexes serves its field's sort forwards and backwards.
// A practitioner's (practitioner_id, id) carries the ssid: their claims' scope reads it from the index alone.
@Index({ name: 'student_last_name_id_index', properties: ['last_name', 'id'] })
@Index({ name: 'student_status_id_index', properties: ['status', 'id'] })
@Index({ name: 'student_district_id_index', properties: ['district', 'id'] })
@Index({ name: 'student_created_by_id_index', properties: ['created_by', 'id'] })
@Index({ name: 'student_updated_by_id_index', properties: ['updated_by', 'id'] })
@Index({ name: 'student_practitioner_id_id_index', expression: 'create index "student_practitioner_id_id_index" on "student" ("practitioner_id", "id") include ("ssid")' })
// `q` stays an index scan at scale: names anywhere (trigrams, ILIKE '%term%'), identifiers by their start (a btree on lower(field)).
@Index({ name: 'student_last_name_trgm', expression: 'create index "student_last_name_trgm" on "student" using gin ("last_name" gin_trgm_ops)' })
@Index({ name: 'student_first_name_trgm', expression: 'create index "student_first_name_trgm" on "student" using gin ("first_name" gin_trgm_ops)' })
@Index({ name: 'student_preferred_name_trgm', expression: 'create index "student_preferred_name_trgm" on "student" using gin ("preferred_name" gin_trgm_ops)' })
@Index({ name: 'student_ssid_prefix', expression: 'create index "student_ssid_prefix" on "student" (lower("ssid") text_pattern_ops)' })
@Index({ name: 'student_local_id_prefix', expression: 'create index "student_local_id_prefix" on "student" (lower("local_id") text_pattern_ops)' })
@Stamped({ index: false })
export class Student {
  /** Student ID. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** State Student ID. */
  @Property({ type: 'text', columnType: 'text', unique: true })
  ssid!: string;

  /** District-specific ID. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  local_id?: string | null;

  /** First name. */
  @Property({ type: 'text', columnType: 'text' })
  first_name!: string;

  /** Last name. */
  @Property({ type: 'text', columnType: 'text' })
  last_name!: string;

  /** Preferred name. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  preferred_name?: string | null;

  /** DOB. */
  @Property({ type: 'date', columnType: 'date' })
  birthdate!: string;

  /** Active/Inactive. */
  @Property({ type: 'text', columnType: 'text', nullable: true, default: 'Active' })
  status?: string | null;

  /** Last update (auto). */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true, defaultRaw: 'now()' })
  last_modified_at?: string | null;

  /** Gender. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  gender?: string | null;

  /** Grade level. */
  @Property({ type: 'smallint', columnType: 'smallint', nullable: true })
  grade?: number | null;

  /** District name/ID. */
  @Property({ type: 'text', columnType: 'text' })
  district!: string;

  /** School name. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  school?: string | null;

  /** Street address. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  address?: string | null;

  /** City. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  city?: string | null;

  /** State. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  state?: string | null;

  /** ZIP/postal code. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  zip_code?: string | null;

  /** Parent/guardian name. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  primary_contact_name?: string | null;

  /** Contact phone. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  primary_contact_phone?: string | null;

  /** Optional transportation team. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  transportation_team?: string | null;

  /** Special transportation requirements. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  transportation_needs?: string | null;

  /** Assigned practitioner. */
  @ManyToOne(() => AppUser, { fieldName: 'practitioner_id', nullable: true, deleteRule: 'no action' })
  practitioner_id?: Rel<AppUser>;

  /** Primary disability classification. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  primary_disability?: string | null;

  /** Consent docs recorded. */
  @Property({ type: 'boolean', columnType: 'boolean', nullable: true, default: false })
  parental_consent_on_file?: boolean | null;

  /** Consent included in billing. */
  @Property({ type: 'boolean', columnType: 'boolean', nullable: true, default: false })
  parental_consent_in_bill?: boolean | null;

  /** Consent to treat given. */
  @Property({ type: 'boolean', columnType: 'boolean', nullable: true, default: false })
  parental_consent_given?: boolean | null;

  /** Date consent was given. */
  @Property({ type: 'date', columnType: 'date', nullable: true })
  parental_consent_date?: string | null;

  /** Misc notes. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  comments?: string | null;

  /** Insurance type. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  insurance_type?: string | null;

  /** Carrier name. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  insurance_carrier?: string | null;

  /** Group number. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  insurance_group_number?: string | null;

  /** Policy number. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  insurance_policy_number?: string | null;

  /** Policy effective date. */
  @Property({ type: 'date', columnType: 'date', nullable: true })
  insurance_effective_date?: string | null;

  /** Medicaid (Medi-Cal) eligibility. */
  @Property({ type: 'boolean', columnType: 'boolean', nullable: true, default: false })
  medi_cal_eligible?: boolean | null;

  /** Medi-Cal ID. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  medi_cal_benefits_id?: string | null;

  /** Copay identifier. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  copay_id?: string | null;

  /** IEP date. */
  @Property({ type: 'date', columnType: 'date', nullable: true })
  iep_date?: string | null;

  /** Next IEP review date. */
  @Property({ type: 'date', columnType: 'date', nullable: true })
  next_review_date?: string | null;

  /** Emergency contact. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  emergency_contact_name?: string | null;

  /** Emergency phone. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  emergency_contact_phone?: string | null;
}

/** The columns `@Stamped()` declares, for the compiler. */
export interface Student extends StampColumns {}
