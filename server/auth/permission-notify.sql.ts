import type { RoleDeclaration } from '../schema/roles.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';

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
CREATE OR REPLACE TRIGGER permission_matrix_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${T.permissions}
  FOR EACH STATEMENT EXECUTE FUNCTION permission_matrix_notify();
CREATE OR REPLACE TRIGGER permission_matrix_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${T.permissionAreas}
  FOR EACH STATEMENT EXECUTE FUNCTION permission_matrix_notify();`;

/**
 * SQLSTATE of a matrix change that would leave its writer unable to manage permissions: in the
 * project's own class `KC`, whose messages the database error translator passes on as 409s.
 */
const KEEPS_PERMISSION_MANAGE_STATE = 'KC001';

/**
 * Nobody takes `permission.manage` away from their own role, by any path that names its user (the
 * console's matrix, an import, a bulk edit, a revert): the statement is refused if the acting
 * user's role held it before and not after. A session that names no user (psql, as the database
 * owner) is how an administrator repairs the matrix, and is not checked.
 */
export function keepsPermissionManageSql(declared: readonly Pick<RoleDeclaration, 'name' | 'key'>[]): string {
  const column = declared.map((r) => `WHEN '${r.name.replaceAll("'", "''")}' THEN '${r.key}'`).join(' ');
  return `
CREATE OR REPLACE FUNCTION permission_manage_kept() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  actor integer := nullif(current_setting('app.user_id', true), '')::integer;
  col text;
  had boolean;
  has boolean;
BEGIN
  IF actor IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT CASE u.role ${column} END INTO col FROM ${T.users} u WHERE u.id = actor;
  IF col IS NULL THEN
    RETURN NULL;
  END IF;
  EXECUTE format('SELECT bool_or(%I) FROM old_rows WHERE name = %L', col, 'permission.manage') INTO had;
  IF had IS NOT TRUE THEN
    RETURN NULL;
  END IF;
  EXECUTE format('SELECT bool_or(%I) FROM ${T.permissions} WHERE name = %L', col, 'permission.manage') INTO has;
  IF has IS NOT TRUE THEN
    RAISE EXCEPTION 'This change would take permission.manage away from your own role, and you could no longer manage permissions. Another permission manager can make it, or grant the permission to another role first.'
      USING ERRCODE = '${KEEPS_PERMISSION_MANAGE_STATE}';
  END IF;
  RETURN NULL;
END
$fn$;
CREATE OR REPLACE TRIGGER permission_manage_kept_on_update AFTER UPDATE ON ${T.permissions}
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION permission_manage_kept();
CREATE OR REPLACE TRIGGER permission_manage_kept_on_delete AFTER DELETE ON ${T.permissions}
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION permission_manage_kept();`;
}
