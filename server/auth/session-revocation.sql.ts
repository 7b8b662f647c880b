/**
 * Sessions end when their user stops being who they signed in as: status leaves Active (Inactive,
 * Suspended, anything else), or the role changes. A trigger on app_user does it, so every write path
 * (an API edit, bulk edit, import, revert, a change set's undo, psql) revokes alike, in the same
 * transaction as the change. A deleted user's sessions go with the row (ON DELETE CASCADE).
 *
 * Ended sessions stay ended: setting the user Active again does not revive a token issued before,
 * so reactivation needs a fresh sign-in.
 */
export const endSessionsOnDeactivationSql = `
CREATE OR REPLACE FUNCTION app_user_end_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE auth_session SET ended_at = now() WHERE user_id = NEW.id AND ended_at IS NULL;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS app_user_end_sessions ON app_user;
CREATE TRIGGER app_user_end_sessions
  AFTER UPDATE OF status, role ON app_user
  FOR EACH ROW
  WHEN (NEW.role IS DISTINCT FROM OLD.role OR coalesce(NEW.status, 'Active') <> 'Active')
  EXECUTE FUNCTION app_user_end_sessions();
`;
