import type { Rel } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { AppUser } from './app-user.entity.js';

/** One-time recovery codes for a lost authenticator, stored hashed (see server/auth/totp.ts). */
@Resource({ served: false, audited: false })
@Entity({ tableName: 'mfa_recovery_code' })
@Index({ properties: ['user_id', 'code_hash'] })
export class MfaRecoveryCode {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => AppUser, { fieldName: 'user_id', deleteRule: 'cascade', index: true })
  user_id!: Rel<AppUser>;

  @Property({ type: 'text', columnType: 'text' })
  code_hash!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  used_at?: string | null;
}
