/** The channel every replica listens on for changes to the permission matrix. */
export const PERMISSION_CHANNEL = 'permission_matrix_changed';

/**
 * Any write to the matrix tables, by any path (the API, a revert, psql), notifies every listening
 * replica. NOTIFY is transactional: it is delivered when the writing transaction commits, and not at
 * all if it rolls back, so a replica never drops its cache for a change that did not happen.
 */
export const PERMISSION_NOTIFY_SQL = `
CREATE OR REPLACE FUNCTION permission_matrix_notify() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_notify('${PERMISSION_CHANNEL}', TG_TABLE_NAME);
  RETURN NULL;
END
$fn$;
CREATE OR REPLACE TRIGGER permission_matrix_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON permission_item
  FOR EACH STATEMENT EXECUTE FUNCTION permission_matrix_notify();
CREATE OR REPLACE TRIGGER permission_matrix_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON permission_category
  FOR EACH STATEMENT EXECUTE FUNCTION permission_matrix_notify();`;
