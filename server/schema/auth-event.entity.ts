import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { AUTH_EVENTS, AUTH_METHODS, AUTH_OUTCOMES, SECOND_FACTORS } from '../audit/auth-event.sql.js';
import { Resource } from './resource.js';

/**
 * Sign-ins and sign-outs (server/auth/sign-in-events.ts): who, when, how and whether it worked.
 * Append-only and chained like the audit trail, shown apart from it (the record changes).
 */
@Resource({
  label: 'Sign-ins',
  singular: 'Sign-in event',
  // The Audit area: readers need audit.browse (a privacy officer, supervisors, admins).
  area: 'Audit',
  readOnly: true,
  audited: false,
  appendOnlyAt: 'occurred_at',
  representation: '{event} {outcome} #{id}',
  choices: { event: AUTH_EVENTS, outcome: AUTH_OUTCOMES, method: AUTH_METHODS, second_factor: SECOND_FACTORS },
  references: { user_id: 'app_user' },
  labels: { user_id: 'User', client_address: 'Client address', second_factor: 'Second factor', email: 'E-mail given' },
  listFields: ['occurred_at', 'event', 'outcome', 'user_id', 'method', 'second_factor', 'detail', 'client_address'],
  // As the access log: a scoped role granted it sees the sign-ins of its districts' staff, or its own.
  scopes: {
    own: { field: 'user_id', is: 'user' },
    district: { field: 'user_id', via: 'app_user', where: { field: 'districts', overlaps: 'districts' } },
  },
  // A log with a browser of its own, growing with every sign-in: not in the search across tables.
  crossSearch: false,
})
@Entity({ tableName: 'auth_event' })
@Index({ properties: ['occurred_at'] })
@Index({ properties: ['user_id', 'occurred_at'] })
export class AuthEvent {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  occurred_at?: string;

  /** sign-in or sign-out. */
  @Property({ type: 'text', columnType: 'text' })
  event!: string;

  /** success or failure. */
  @Property({ type: 'text', columnType: 'text' })
  outcome!: string;

  /** password or single sign-on. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  method?: string | null;

  /** The single sign-on provider's id (OIDC_PROVIDERS). */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  provider?: string | null;

  /** The second factor that was checked, when one was. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  second_factor?: string | null;

  /** The account, when the e-mail named one. */
  @Property({ type: 'integer', columnType: 'int', nullable: true })
  user_id?: number | null;

  /** The e-mail given (also for an unknown account, which a guesser's attempts show). */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  email?: string | null;

  @Property({ type: 'text', columnType: 'text', nullable: true })
  client_address?: string | null;

  /** Why it failed (wrong password, unknown account, second factor missing...), or a note. */
  @Property({ type: 'text', columnType: 'text', nullable: true })
  detail?: string | null;
}
