import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Resource } from './resource.js';

/**
 * Single sign-on in flight (server/auth/oidc-sign-in.ts): a flow's state (hashed), nonce and PKCE
 * verifier until the provider sends the browser back, then a one-time ticket (hashed) for the
 * console to trade for a session. Rows live minutes. Not served, not audited.
 */
@Resource({ served: false, audited: false })
@Entity({ tableName: 'oidc_login' })
export class OidcLogin {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'text', columnType: 'text', nullable: true, unique: true })
  state_hash?: string | null;

  @Property({ type: 'text', columnType: 'text', nullable: true, unique: true })
  ticket_hash?: string | null;

  @Property({ type: 'text', columnType: 'text' })
  provider!: string;

  @Property({ type: 'text', columnType: 'text', nullable: true })
  nonce?: string | null;

  @Property({ type: 'text', columnType: 'text', nullable: true })
  verifier?: string | null;

  @Property({ type: 'text', columnType: 'text', nullable: true })
  email?: string | null;

  /** The browser that started the flow (a hash of its cookie): callback and ticket work there only. */
  @Property({ type: 'text', columnType: 'text' })
  binding_hash!: string;

  @Property({ type: 'boolean', columnType: 'boolean', default: false })
  strong_amr!: boolean;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  created_at!: string;
}
