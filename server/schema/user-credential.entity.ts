import type { Rel } from '@mikro-orm/core';
import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';
import { AppUser } from './app-user.entity.js';

/**
 * A user's password, apart from app_user so no generic read can ever reach it. Audited (a password
 * change is an event) with the hash masked in the log; never served by the engine.
 */
@Resource({ served: false, secret: ['password_hash'], area: 'Users & access' })
@Entity({ tableName: 'user_credential' })
export class UserCredential {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** The user these credentials belong to. */
  @ManyToOne(() => AppUser, { fieldName: 'user_id', deleteRule: 'cascade', unique: true })
  user_id!: Rel<AppUser>;

  /** argon2id hash (PHC string). */
  @Property({ type: 'text', columnType: 'text' })
  password_hash!: string;

  /** When the password was last set: sessions started before it end. */
  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  changed_at!: string;
}
