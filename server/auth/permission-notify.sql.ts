/** The channel every replica listens on for changes to the permission matrix. */
export const PERMISSION_CHANNEL = 'permission_matrix_changed';

/**
 * Any write to the matrix tables, by any path (the API, a revert, psql), bumps the matrix's version
 * and notifies every listening replica, in the writing transaction: both take effect when it
 * commits and not at all if it rolls back. The NOTIFY drops every replica's cache at once; the
 * version is what makes "the next request" certain, since a notification may arrive a few
 * milliseconds after the writer's commit returns (the per-request session check reads it).
 */
export const PERMISSION_NOTIFY_SQL = `
CREATE TABLE IF NOT EXISTS permission_matrix_version (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  version bigint NOT NULL
);
INSERT INTO permission_matrix_version (version) VALUES (1) ON CONFLICT DO NOTHING;
CREATE OR REPLACE FUNCTION permission_matrix_notify() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  v bigint;
BEGIN
  UPDATE permission_matrix_version SET version = version + 1 RETURNING version INTO v;
  PERFORM pg_notify('${PERMISSION_CHANNEL}', v::text);
  RETURN NULL;
END
$fn$;
CREATE OR REPLACE TRIGGER permission_matrix_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON permission_item
  FOR EACH STATEMENT EXECUTE FUNCTION permission_matrix_notify();
CREATE OR REPLACE TRIGGER permission_matrix_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON permission_category
  FOR EACH STATEMENT EXECUTE FUNCTION permission_matrix_notify();`;
