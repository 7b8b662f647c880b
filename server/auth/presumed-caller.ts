import type { Authenticated } from './authenticated.js';
import type { Params } from '../engine/plan/sql.js';
import type { AlongsideParts } from '../engine/read/resource-reader.js';
import { sessionCheckCtes } from './session-check.sql.js';

/**
 * A request's caller as its session's last check found them, for a read that carries this
 * request's session check in its own statement instead of sending it first (`parts`), or that runs
 * beside it (`confirm`): one round trip less in a row, and the check is as strict as ever, since it
 * starts after the request arrived and the read is answered only once it passed.
 *
 * The read's row is answered (and its access record written) only if the session is valid now and
 * its user still has the role, districts and permission matrix version the read was planned for
 * (`gate`); the statement returns the session's row either way (`__session`). An invalid session
 * is a 401; a valid one whose caller changed leaves `passed` false, and the request is served again
 * the ordinary way, under the caller just checked.
 */
export class PresumedCaller {
  /** The statement ran and its session row was checked. */
  checked = false;
  /** The answer stands: the session was invalid (401), or valid with the caller presumed. */
  passed = false;

  constructor(
    readonly auth: Authenticated,
    private readonly check: { sessionId: string; userId: number; idleSeconds: number; touchSeconds: number },
    private readonly settle: (row: Record<string, any> | undefined) => Promise<Authenticated>,
    private readonly authenticate: () => Promise<Authenticated>,
  ) {}

  /**
   * This request's own session check, sent beside a read made as the caller presumed: the caller
   * it finds, and whether that is the one presumed (so the read stands, or is made again as the
   * caller found). A session no longer valid is its 401.
   */
  async confirm(): Promise<{ caller: Authenticated['caller']; same: boolean }> {
    const fresh = await this.authenticate();
    // With replicas a read goes where the caller's recent writes say: that must not have changed either.
    return { caller: fresh.caller, same: sameCaller(fresh, this.auth) && !!fresh.caller.recentWriter === !!this.auth.caller.recentWriter };
  }

  get caller() {
    return this.auth.caller;
  }

  /** The session check's CTEs before the read, its gate on the read's row, and its row in the answer. */
  parts(params: Params): AlongsideParts {
    const checked = this.checkOnly(params);
    const { user, matrixVersion } = this.auth;
    const same = [
      'valid',
      `(status IS NULL OR status = 'Active')`,
      'enrolment_only IS NOT TRUE',
      `role = ${params.add(user.role, 'text')}`,
      `districts IS NOT DISTINCT FROM ${params.add(user.districts ?? null, 'text[]')}`,
      `matrix_version::text = ${params.add(matrixVersion, 'text')}`,
    ];
    return { ...checked, gate: `EXISTS (SELECT 1 FROM session WHERE ${same.join(' AND ')})` };
  }

  /**
   * The session check's CTEs and its row, for a statement that answers no record of its own (a
   * write's first, db/unit-of-work.ts): `passed` then says whether the caller is the one presumed.
   */
  checkOnly(params: Params): Required<Pick<AlongsideParts, 'before' | 'output' | 'seen'>> {
    const { sessionId, userId, idleSeconds, touchSeconds } = this.check;
    return {
      before: sessionCheckCtes(params, [{ sessionId, userId }], idleSeconds, touchSeconds),
      output: `(SELECT to_jsonb(session) FROM session) AS "__session"`,
      seen: async (row) => {
        this.checked = true;
        // An invalid session's 401 is the answer (settle throws it); so is a read by the caller presumed.
        this.passed = true;
        const fresh = await this.settle((row?.__session ?? undefined) as Record<string, any> | undefined);
        this.passed = row?.__answered === true || sameCaller(fresh, this.auth);
      },
    };
  }
}

/** The same user, role, districts and matrix (and no enrolment pending): the same fields, scope and permissions. */
function sameCaller(a: Authenticated, b: Authenticated): boolean {
  return !a.enrolmentOnly && a.user.id === b.user.id && a.user.role === b.user.role && a.matrixVersion === b.matrixVersion && JSON.stringify(a.user.districts ?? null) === JSON.stringify(b.user.districts ?? null);
}
