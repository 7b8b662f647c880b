import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';
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
  UPDATE ${T.sessions} SET ended_at = now() WHERE user_id = NEW.id AND ended_at IS NULL;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS app_user_end_sessions ON ${T.users};
CREATE TRIGGER app_user_end_sessions
  AFTER UPDATE OF status, role ON ${T.users}
  FOR EACH ROW
  WHEN (NEW.role IS DISTINCT FROM OLD.role OR coalesce(NEW.status, 'Active') <> 'Active')
  EXECUTE FUNCTION app_user_end_sessions();
`;

/**
 * An API key acts as a service user made from its creator's role and districts when it was made:
 * when the creator's role or districts change, or they stop being Active, their keys are revoked
 * (and the keys' service users set Inactive) in the same transaction, by every write path, so a
 * key never holds more than its creator holds now. Sessions end as above; a districts change
 * needs no new session (a session reads the user's districts on every request), a key does.
 */
export const keysFollowTheirCreatorSql = `
CREATE OR REPLACE FUNCTION app_user_end_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.role IS DISTINCT FROM OLD.role OR coalesce(NEW.status, 'Active') <> 'Active' THEN
    UPDATE ${T.sessions} SET ended_at = now() WHERE user_id = NEW.id AND ended_at IS NULL;
  END IF;
  UPDATE ${T.users} SET status = 'Inactive'
   WHERE id IN (SELECT service_user_id FROM ${T.apiKeys} WHERE owner_id = NEW.id AND revoked_at IS NULL) AND status IS DISTINCT FROM 'Inactive';
  UPDATE ${T.apiKeys} SET revoked_at = now() WHERE owner_id = NEW.id AND revoked_at IS NULL;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS app_user_end_sessions ON ${T.users};
CREATE TRIGGER app_user_end_sessions
  AFTER UPDATE OF status, role, districts ON ${T.users}
  FOR EACH ROW
  WHEN (NEW.role IS DISTINCT FROM OLD.role OR NEW.districts IS DISTINCT FROM OLD.districts OR coalesce(NEW.status, 'Active') <> 'Active')
  EXECUTE FUNCTION app_user_end_sessions();
`;
