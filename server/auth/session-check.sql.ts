import { Params } from '../engine/plan/sql.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';

/** A session a request's token names: its id and its user's. */
export interface AskedSession {
  sessionId: string;
  userId: number;
}

/**
 * The per-request session check as three CTEs, `asked`, `touched` and `session`: for the sessions
 * of several requests at once (AuthService), or inside the statement of one request's read
 * (presumed-caller.ts), so every check is exactly alike. `session` has a row per asked session
 * that exists, named by `session_id`.
 *
 * Automatic logoff: a session last seen longer than the idle time ago is no longer valid. A valid
 * one is marked seen, at most every `touch` seconds (not a write per request); `session` sees the
 * row as it was before this statement's UPDATE. A session row another transaction holds (a logout,
 * a deactivation ending its sessions) is not waited for: it is touched by a later check, so one
 * locked row never holds up the other sessions checked in the same statement.
 */
export function sessionCheckCtes(params: Params, asked: readonly AskedSession[], idleSeconds: number, touchSeconds: number): string {
  const sids = params.add(asked.map((a) => a.sessionId), 'uuid[]');
  const uids = params.add(asked.map((a) => a.userId), 'integer[]');
  const [idle, touch] = [params.add(idleSeconds), params.add(touchSeconds)];
  return `asked AS (SELECT * FROM unnest(${sids}, ${uids}) AS a(sid, uid)),
             touched AS (
               UPDATE ${T.sessions} SET last_seen_at = now() WHERE id IN (
                 SELECT t.id FROM ${T.sessions} t JOIN asked a ON t.id = a.sid AND t.user_id = a.uid
                  WHERE t.ended_at IS NULL AND t.last_seen_at > now() - make_interval(secs => ${idle}) AND t.last_seen_at < now() - make_interval(secs => ${touch})
                  FOR UPDATE OF t SKIP LOCKED)
               RETURNING id),
             session AS (SELECT s.id AS session_id, u.id, u.first_name, u.last_name, u.email, u.role, u.status, u.districts,
              (s.ended_at IS NULL AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => ${idle})
               AND (c.changed_at IS NULL OR c.changed_at <= s.created_at)) AS valid, s.enrolment_only,
              EXISTS (SELECT 1 FROM recent_write w WHERE w.user_id = u.id AND w.until > now()) AS recent_writer,
              (SELECT version FROM permission_matrix_version) AS matrix_version
         FROM asked a JOIN ${T.sessions} s ON s.id = a.sid AND s.user_id = a.uid
         JOIN ${T.users} u ON u.id = s.user_id LEFT JOIN ${T.credentials} c ON c.user_id = u.id)`;
}

/** The session checks of several requests in one statement (prepared once per connection): a row per session found. */
export function sessionCheck(asked: readonly AskedSession[], idleSeconds: number, touchSeconds: number) {
  const params = new Params();
  const text = `WITH ${sessionCheckCtes(params, asked, idleSeconds, touchSeconds)} SELECT * FROM session`;
  return { name: 'session-check', text, values: params.values };
}
