/**
 * `write_conflict`: every write refused because the record changed since the writer read it (an
 * optimistic-lock conflict: a PUT whose version, or If-Match, no longer matches). A log of its own,
 * not a kind of an existing one: the audit trail holds record changes (a refused write changed
 * nothing, and an undo must never meet it), the access log holds reads (its accounting of
 * disclosures would count a refused write as one) and auth_event holds sign-ins. Like those logs
 * it is append-only and chained in audit_seal (`npm run audit:verify`), and it is written outside
 * the refused write's transaction, which rolls back. Not partitioned: conflicts are rare.
 *
 * `record_pk` is `{"id": n}` as in audit_log, so that the same reach applies (policy.ts
 * imageScope): whoever may not show the table, or the record, does not see its conflicts.
 */

// A delete carries no version (ra-data-simple-rest sends none), so only edits (a PUT, a restore) meet one.
export const CONFLICT_ACTIONS = ['edit'] as const;
/** What no longer matched: the version field the form sent, or the If-Match tag. */
export const CONFLICT_CHECKS = ['version', 'If-Match'] as const;

export const WRITE_CONFLICT_TABLE_SQL = `
CREATE TABLE write_conflict (
  id bigserial PRIMARY KEY,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  user_id integer NULL,
  action text NOT NULL,
  checked text NOT NULL,
  table_name text NOT NULL,
  record_pk jsonb NOT NULL,
  client_address text NULL
);
CREATE INDEX write_conflict_occurred_at_index ON write_conflict (occurred_at);
CREATE INDEX write_conflict_table_name_record_pk_index ON write_conflict (table_name, record_pk);
CREATE TRIGGER write_conflict_no_update_delete BEFORE UPDATE OR DELETE ON write_conflict FOR EACH ROW EXECUTE FUNCTION append_only_guard();
CREATE TRIGGER write_conflict_no_truncate BEFORE TRUNCATE ON write_conflict FOR EACH STATEMENT EXECUTE FUNCTION append_only_guard();`;
