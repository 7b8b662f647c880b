import type { Rel } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { AppUser } from './app-user.entity.js';
import { BillingCode } from './billing-code.entity.js';

/** Which users can bill which legacy billing_codes. */
@Resource({
  label: 'User authorized services',
  area: 'Users & access',
  representation: '#{id}',
  editedFrom: ['user_id', 'billing_code_id'],
  listFields: ['user_id', 'billing_code_id'],
})
@Entity({ tableName: 'user_authorized_service' })
@Unique({ properties: ['user_id', 'billing_code_id'] })
export class UserAuthorizedService {
  /** Row ID. */
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** User. */
  @ManyToOne(() => AppUser, { fieldName: 'user_id', deleteRule: 'cascade' })
  user_id!: Rel<AppUser>;

  /** Billing code. */
  @ManyToOne(() => BillingCode, { fieldName: 'billing_code_id', deleteRule: 'cascade', index: true })
  billing_code_id!: Rel<BillingCode>;

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
