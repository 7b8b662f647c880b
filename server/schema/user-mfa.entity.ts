import type { Rel } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { AppUser } from './app-user.entity.js';

/**
 * A user's TOTP second factor (RFC 6238). A row with no `enabled_at` is a setup not yet confirmed.
 * Never served; audited (enrolling, disabling and an admin's reset are events, with their reason),
 * the secret masked in the log.
 */
// Accepting a code (last_step) is part of a sign-in, recorded as an authentication event.
@Resource({ served: false, secret: ['secret'], quietChanges: ['last_step'], area: 'Users & access' })
@Entity({ tableName: 'user_mfa' })
export class UserMfa {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => AppUser, { fieldName: 'user_id', deleteRule: 'cascade', unique: true })
  user_id!: Rel<AppUser>;

  /** Base32 TOTP secret. */
  @Property({ type: 'text', columnType: 'text' })
  secret!: string;

  /** Set when the user confirmed the setup with a code: from then on sign-in asks for one. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  enabled_at?: string | null;

  /** The last time step whose code was accepted: a code is good once (no replay). */
  @Property({ type: 'bigint', columnType: 'bigint', nullable: true })
  last_step?: string | null;
}
