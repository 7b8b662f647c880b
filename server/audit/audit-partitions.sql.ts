/**
 * One month's partition of audit_log, by the SQL function the migration and the server's
 * maintenance both call (so a month is always named and bounded the same way): `audit_log_pYYYY_MM`,
 * holding [first of the month, first of the next) in UTC. Statement triggers are not cloned onto
 * partitions, so each one gets the append-only TRUNCATE guard of its own; row triggers (the
 * UPDATE/DELETE guard) are inherited from audit_log. Answers the new partition's name, or NULL when
 * a table of that name already exists.
 */
export const AUDIT_PARTITION_FUNCTION_SQL = `
CREATE OR REPLACE FUNCTION audit_log_create_partition(month date) RETURNS text
LANGUAGE plpgsql AS $fn$
DECLARE
  first date := date_trunc('month', month)::date;
  name text := 'audit_log_p' || to_char(first, 'YYYY_MM');
BEGIN
  IF to_regclass(name) IS NOT NULL THEN
    RETURN NULL;
  END IF;
  EXECUTE format('CREATE TABLE %I PARTITION OF audit_log FOR VALUES FROM (%L) TO (%L)',
    name, first::text || ' 00:00:00+00', (first + interval '1 month')::date::text || ' 00:00:00+00');
  EXECUTE format('CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()', name);
  RETURN name;
END
$fn$;`;
