import type { Rel } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Unique } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { AppUser } from './app-user.entity.js';
import { BillingCode } from './billing-code.entity.js';
import { Stamped, type StampColumns } from './stamps.js';

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
@Stamped()
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
}

/** The columns `@Stamped()` declares, for the compiler. */
export interface UserAuthorizedService extends StampColumns {}
