/**
 * `access_log`: who read which records of an access-logged resource, when and how (FERPA's record
 * of each request for access, 34 CFR 99.32). Append-only like audit_log, partitioned by month of
 * `occurred_at` the same way (`access_log_pYYYY_MM` plus a default partition), so retention
 * archives and drops whole months of it by the same rules.
 */

/** Refuses UPDATE, DELETE and TRUNCATE on the table it guards, naming it. */
export const APPEND_ONLY_GUARD_SQL = `
CREATE OR REPLACE FUNCTION append_only_guard() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$fn$;`;

/**
 * One month's partition of a monthly-partitioned log, named and bounded like audit_log's
 * (`<parent>_pYYYY_MM`, UTC months), with the TRUNCATE guard statement triggers do not inherit.
 * Answers the new partition's name, or NULL when it exists.
 */
export const LOG_PARTITION_FUNCTION_SQL = `
CREATE OR REPLACE FUNCTION log_create_partition(parent text, month date) RETURNS text
LANGUAGE plpgsql AS $fn$
DECLARE
  first date := date_trunc('month', month)::date;
  name text := parent || '_p' || to_char(first, 'YYYY_MM');
BEGIN
  IF to_regclass(name) IS NOT NULL THEN
    RETURN NULL;
  END IF;
  EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
    name, parent, first::text || ' 00:00:00+00', (first + interval '1 month')::date::text || ' 00:00:00+00');
  EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION append_only_guard()', parent || '_no_truncate', name);
  RETURN name;
END
$fn$;`;

export const ACCESS_ACTIONS = ['show', 'list', 'export', 'download', 'history'] as const;

export const ACCESS_LOG_TABLE_SQL = `
CREATE SEQUENCE access_log_id_seq;
CREATE TABLE access_log (
  id bigint NOT NULL DEFAULT nextval('access_log_id_seq'),
  user_id integer NOT NULL,
  table_name text NOT NULL,
  record_ids bigint[] NOT NULL,
  action text NOT NULL,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  client_address text NULL,
  filter jsonb NULL,
  CONSTRAINT access_log_pkey PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);
ALTER SEQUENCE access_log_id_seq OWNED BY access_log.id;
-- "Who has seen this record": by record id (GIN over the arrays), newest first; "what did this user see": by user.
CREATE INDEX access_log_record_ids_index ON access_log USING gin (record_ids);
CREATE INDEX access_log_occurred_at_index ON access_log (occurred_at);
CREATE INDEX access_log_user_id_occurred_at_index ON access_log (user_id, occurred_at);
CREATE TRIGGER access_log_no_update_delete BEFORE UPDATE OR DELETE ON access_log FOR EACH ROW EXECUTE FUNCTION append_only_guard();
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log FOR EACH STATEMENT EXECUTE FUNCTION append_only_guard();
CREATE TABLE access_log_default PARTITION OF access_log DEFAULT;
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log_default FOR EACH STATEMENT EXECUTE FUNCTION append_only_guard();`;
