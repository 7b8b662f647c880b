import type { Rel } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { AppUser } from './app-user.entity.js';

/**
 * An API key for scripts (server/auth/api-keys.ts). It acts as its own service user (an app_user
 * row of its own: writes made with it are audited under that user), with that user's role, or the
 * narrower `resource.action` scopes listed. Only a hash of its secret is kept. Never served;
 * audited with the hash masked.
 */
@Resource({ served: false, secret: ['secret_hash'], area: 'Users & access' })
@Entity({ tableName: 'api_key' })
export class ApiKey {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'text', columnType: 'text' })
  name!: string;

  /** SHA-256 of the key's random part (256 bits: nothing to guess, so no slow hash is needed). */
  @Property({ type: 'text', columnType: 'text' })
  secret_hash!: string;

  /** Who created it: the key stops working when they are no longer Active. */
  @ManyToOne(() => AppUser, { fieldName: 'owner_id', deleteRule: 'cascade', index: true })
  owner_id!: Rel<AppUser>;

  /** The service user the key acts as. */
  @ManyToOne(() => AppUser, { fieldName: 'service_user_id', deleteRule: 'cascade', unique: true })
  service_user_id!: Rel<AppUser>;

  /** `resource.action` permissions the key is limited to (within its role's); null: the role's. */
  @Property({ type: 'text[]', columnType: 'text[]', nullable: true })
  scopes?: string[] | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  expires_at!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  created_at!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  revoked_at?: string | null;

  /** Written at most once a minute. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  last_used_at?: string | null;
}
