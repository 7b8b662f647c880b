import type { Rel } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { AppUser } from './app-user.entity.js';

/**
 * One signed-in session per token (the token's `sid`). Checked on every request, so a logout or a
 * deactivation applies at once and on every replica. Not served and not audited: sign-ins are
 * recorded through `app_user.last_login`.
 */
@Resource({ served: false, audited: false })
@Entity({ tableName: 'auth_session' })
@Index({ properties: ['expires_at'] })
export class AuthSession {
  @PrimaryKey({ type: 'uuid', columnType: 'uuid' })
  id!: string;

  @ManyToOne(() => AppUser, { fieldName: 'user_id', deleteRule: 'cascade', index: true })
  user_id!: Rel<AppUser>;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  created_at!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  expires_at!: string;

  /**
   * A session whose role requires a second factor the user has not enrolled: it may only enrol
   * (server/auth/auth.service.ts), until confirming clears this.
   */
  @Property({ type: 'boolean', columnType: 'boolean', default: false })
  enrolment_only!: boolean;

  /** When the session was last used (written at most every 30 s): it ends SESSION_IDLE_MINUTES after. */
  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  last_seen_at!: string;

  /** Set by logout. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  ended_at?: string | null;
}
