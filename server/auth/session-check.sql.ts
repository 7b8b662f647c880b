import { Params } from '../engine/plan/sql.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';

/**
 * The per-request session check as two CTEs, `touched` and `session`: on its own (AuthService) or
 * inside the statement of the request's read (presumed-caller.ts), so both check exactly alike.
 *
 * Automatic logoff: a session last seen longer than the idle time ago is no longer valid. A valid
 * one is marked seen, at most every `touch` seconds (not a write per request); `session` sees the
 * row as it was before this statement's UPDATE.
 */
export function sessionCheckCtes(params: Params, sessionId: string, userId: number, idleSeconds: number, touchSeconds: number): string {
  const [sid, uid, idle, touch] = [params.add(sessionId), params.add(userId), params.add(idleSeconds), params.add(touchSeconds)];
  return `touched AS (
               UPDATE ${T.sessions} SET last_seen_at = now()
                WHERE id = ${sid} AND user_id = ${uid} AND ended_at IS NULL
                  AND last_seen_at > now() - make_interval(secs => ${idle}) AND last_seen_at < now() - make_interval(secs => ${touch})
               RETURNING id),
             session AS (SELECT u.id, u.first_name, u.last_name, u.email, u.role, u.status, u.districts,
              (s.ended_at IS NULL AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => ${idle})
               AND (c.changed_at IS NULL OR c.changed_at <= s.created_at)) AS valid, s.enrolment_only,
              EXISTS (SELECT 1 FROM recent_write w WHERE w.user_id = u.id AND w.until > now()) AS recent_writer,
              (SELECT version FROM permission_matrix_version) AS matrix_version
         FROM ${T.sessions} s JOIN ${T.users} u ON u.id = s.user_id LEFT JOIN ${T.credentials} c ON c.user_id = u.id
        WHERE s.id = ${sid} AND s.user_id = ${uid})`;
}

/** The session check alone, as AuthService runs it on every request (prepared once per connection). */
export function sessionCheck(sessionId: string, userId: number, idleSeconds: number, touchSeconds: number) {
  const params = new Params();
  const text = `WITH ${sessionCheckCtes(params, sessionId, userId, idleSeconds, touchSeconds)} SELECT * FROM session`;
  return { name: 'session-check', text, values: params.values };
}
