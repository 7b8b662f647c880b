import type { Rel } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { FeeScheduleCode } from './fee-schedule-code.entity.js';
import { Modifier } from './modifier.entity.js';
import { Stamped, type StampColumns } from './stamps.js';

/** Join table mapping modifiers to fee schedule codes (indicating required/optional usage). */
@Resource({
  label: 'Fee code modifiers',
  representation: '#{id}',
  editedFrom: ['fee_schedule_code_id', 'modifier_id'],
  listFields: ['fee_schedule_code_id', 'modifier_id', 'is_required', 'context_note'],
})
@Entity({ tableName: 'fee_code_modifier' })
@Unique({ properties: ['fee_schedule_code_id', 'modifier_id'] })
@Stamped()
export class FeeCodeModifier {
  /** Row ID. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** Fee code. */
  @ManyToOne(() => FeeScheduleCode, { fieldName: 'fee_schedule_code_id', deleteRule: 'cascade' })
  fee_schedule_code_id!: Rel<FeeScheduleCode>;

  /** Modifier. */
  @ManyToOne(() => Modifier, { fieldName: 'modifier_id', deleteRule: 'cascade', index: true })
  modifier_id!: Rel<Modifier>;

  /** TRUE if required for that code/context. */
  @Property({ type: 'boolean', columnType: 'boolean', nullable: true, default: false })
  is_required?: boolean | null;

  /** When/how to apply (e.g., “Group only”). */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  context_note?: string | null;
}

/** The columns `@Stamped()` declares, for the compiler. */
export interface FeeCodeModifier extends StampColumns {}
