import type { Rel } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Unique } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { FeeScheduleCode } from './fee-schedule-code.entity.js';
import { PractitionerType } from './practitioner-type.entity.js';
import { Stamped, type StampColumns } from './stamps.js';

/** Join table mapping fee schedule codes to eligible practitioner types. */
@Resource({
  label: 'Fee code practitioner types',
  representation: '#{id}',
  editedFrom: ['fee_schedule_code_id', 'practitioner_type_id'],
  listFields: ['fee_schedule_code_id', 'practitioner_type_id'],
})
@Entity({ tableName: 'fee_code_practitioner_type' })
@Unique({ properties: ['fee_schedule_code_id', 'practitioner_type_id'] })
@Stamped()
export class FeeCodePractitionerType {
  /** Row ID. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** Fee code. */
  @ManyToOne(() => FeeScheduleCode, { fieldName: 'fee_schedule_code_id', deleteRule: 'cascade' })
  fee_schedule_code_id!: Rel<FeeScheduleCode>;

  /** Practitioner type. */
  @ManyToOne(() => PractitionerType, { fieldName: 'practitioner_type_id', deleteRule: 'cascade', index: true })
  practitioner_type_id!: Rel<PractitionerType>;
}

/** The columns `@Stamped()` declares, for the compiler. */
export interface FeeCodePractitionerType extends StampColumns {}
