/**
 * The audit machinery lives in the database, so no write path (the API, a psql session, a batch
 * script) can skip it. The acting user and the reason travel as transaction-local settings
 * (`app.user_id`, `app.change_reason`), set by the unit of work; a session that sets neither is
 * recorded with NULLs.
 */

import { ident } from '../engine/plan/sql.js';

function literal(value: string): string {
  return "'" + value.replaceAll("'", "''") + "'";
}

// `current_setting(..., true)` answers '' (not NULL) on a pooled connection once any transaction has
// set it locally, hence the nullif. The trigger's arguments name columns whose values must never be
// copied into the log (a credential's hash): they are left out of both images, while the change is
// still an event because the comparison is made before they are dropped. An argument starting
// with `~` names a quiet column instead (a user's last sign-in): kept in the images, but an UPDATE
// that changes nothing else is no record change (the sign-in is an authentication event).
export const AUDIT_FUNCTION_SQL = `
CREATE OR REPLACE FUNCTION audit_row_change() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  new_row jsonb := CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END;
  old_row jsonb := CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END;
  masked text;
  quiet_new jsonb := new_row;
  quiet_old jsonb := old_row;
BEGIN
  IF TG_OP = 'UPDATE' AND new_row = old_row THEN
    RETURN NULL;
  END IF;
  IF TG_NARGS > 0 THEN
    FOREACH masked IN ARRAY TG_ARGV LOOP
      IF left(masked, 1) = '~' THEN
        quiet_new := quiet_new - substr(masked, 2);
        quiet_old := quiet_old - substr(masked, 2);
      ELSE
        new_row := new_row - masked;
        old_row := old_row - masked;
      END IF;
    END LOOP;
    IF TG_OP = 'UPDATE' AND quiet_new = quiet_old THEN
      RETURN NULL;
    END IF;
  END IF;
  INSERT INTO audit_log (table_name, record_pk, action, changed_data, old_data, user_id, txid, reason)
  VALUES (
    TG_TABLE_NAME,
    jsonb_build_object('id', COALESCE(new_row, old_row) -> 'id'),
    TG_OP,
    new_row,
    old_row,
    nullif(current_setting('app.user_id', true), '')::integer,
    txid_current(),
    nullif(current_setting('app.change_reason', true), '')
  );
  RETURN NULL;
END
$fn$;`;

// The log is append-only in the database itself: even the table's owner cannot rewrite history
// without first dropping these triggers (which is itself a schema change, visible in migrations).
export const AUDIT_LOG_APPEND_ONLY_SQL = `
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$fn$;
CREATE OR REPLACE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE OR REPLACE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();`;

export const AUDIT_TRIGGER_NAME = 'audit_row_change';

/** The one way a table gets audited; a migration adding a table calls this for it. */
export function attachAuditTriggerSql(table: string, maskedColumns: string[] = [], quietColumns: string[] = []): string {
  const args = [...maskedColumns, ...quietColumns.map((c) => `~${c}`)].map(literal).join(', ');
  return `CREATE OR REPLACE TRIGGER ${AUDIT_TRIGGER_NAME} AFTER INSERT OR UPDATE OR DELETE ON ${ident(table)}
  FOR EACH ROW EXECUTE FUNCTION audit_row_change(${args});`;
}

/** Tables that hold the log itself are never audited (the trigger would recurse). */
export const UNAUDITED_TABLES = new Set(['audit_log', 'access_log', 'auth_event', 'write_conflict', 'audit_undo', 'audit_seal', 'audit_archive', 'audit_checkpoint', 'mikro_orm_migrations']);
