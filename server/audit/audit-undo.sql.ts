/**
 * `audit_undo`: which undo undid what. Each undo (server/audit/revert.ts) writes one row in its own
 * transaction, so the row shares the undo's fate: the undo's transaction (its change set, whose
 * audit rows are the undo's writes) and the one event or the change set it undid. "Already undone"
 * is read from here, by structure, never from the wording of a reason (which anyone's own reason
 * could imitate, and which may be worded otherwise one day). Append-only like the logs.
 */
export const AUDIT_UNDO_TABLE_SQL = `
CREATE TABLE audit_undo (
  undo_txid bigint PRIMARY KEY DEFAULT txid_current(),
  undone_event bigint NULL,
  undone_change_set bigint NULL,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT audit_undo_one_target CHECK ((undone_event IS NULL) <> (undone_change_set IS NULL))
);
CREATE INDEX audit_undo_undone_event_index ON audit_undo (undone_event) WHERE undone_event IS NOT NULL;
CREATE INDEX audit_undo_undone_change_set_index ON audit_undo (undone_change_set) WHERE undone_change_set IS NOT NULL;
CREATE TRIGGER audit_undo_no_update_delete BEFORE UPDATE OR DELETE ON audit_undo FOR EACH ROW EXECUTE FUNCTION append_only_guard();
CREATE TRIGGER audit_undo_no_truncate BEFORE TRUNCATE ON audit_undo FOR EACH STATEMENT EXECUTE FUNCTION append_only_guard();`;

/**
 * The undos made before audit_undo existed, read once from the marks their reasons carried then
 * ("Revert of event #N", "Revert of change set #N", optionally ": " and the user's reason).
 */
export const AUDIT_UNDO_BACKFILL_SQL = `
INSERT INTO audit_undo (undo_txid, undone_event, undone_change_set, occurred_at)
SELECT txid,
       (regexp_match(min(reason), '^Revert of event #(\\d+)(: |$)'))[1]::bigint,
       (regexp_match(min(reason), '^Revert of change set #(\\d+)(: |$)'))[1]::bigint,
       min(occurred_at)
  FROM audit_log
 WHERE txid IS NOT NULL AND reason ~ '^Revert of (event|change set) #\\d+(: |$)'
 GROUP BY txid;`;
