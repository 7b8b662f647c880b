/**
 * `auth_event`: every sign-in attempt (password or single sign-on, with or without a second
 * factor, successful or not) and every sign-out, one row each. Kept apart from the audit trail,
 * which is about records: a sign-in is not a change of the user's record. Append-only like the
 * other logs and chained in audit_seal (`npm run audit:verify`), so nobody can quietly alter or
 * remove one. Not partitioned: sign-ins are a few thousand rows a day, not millions.
 */

export const AUTH_EVENTS = ['sign-in', 'sign-out'] as const;
export const AUTH_OUTCOMES = ['success', 'failure'] as const;
export const AUTH_METHODS = ['password', 'single sign-on'] as const;
export const SECOND_FACTORS = ['authenticator code', 'recovery code', 'provider'] as const;

export const AUTH_EVENT_TABLE_SQL = `
CREATE TABLE auth_event (
  id bigserial PRIMARY KEY,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  event text NOT NULL,
  outcome text NOT NULL,
  method text NULL,
  provider text NULL,
  second_factor text NULL,
  user_id integer NULL,
  email text NULL,
  client_address text NULL,
  detail text NULL
);
CREATE INDEX auth_event_occurred_at_index ON auth_event (occurred_at);
CREATE INDEX auth_event_user_id_occurred_at_index ON auth_event (user_id, occurred_at);
CREATE TRIGGER auth_event_no_update_delete BEFORE UPDATE OR DELETE ON auth_event FOR EACH ROW EXECUTE FUNCTION append_only_guard();
CREATE TRIGGER auth_event_no_truncate BEFORE TRUNCATE ON auth_event FOR EACH STATEMENT EXECUTE FUNCTION append_only_guard();`;
