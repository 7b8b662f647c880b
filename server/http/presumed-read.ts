import type { FastifyRequest } from 'fastify';
import type { AccessLog } from '../audit/access-log.js';
import { authorize } from '../auth/authorize.js';
import type { Action } from '../schema/matrix-terms.js';
import { authorizedFor } from './authorized.js';
import type { CallerResolver } from '../auth/caller-resolver.js';
import type { PresumedCaller } from '../auth/presumed-caller.js';
import type { Caller } from '../engine/caller.js';
import type { ResourceEngine } from '../engine/execute.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import type { Params } from '../engine/plan/sql.js';

/**
 * A show of an access-logged record in one statement: the session check, the read and its access
 * record together (auth/presumed-caller.ts, audit/access-log.ts), where every read runs on the
 * primary (no replicas). Null when the request takes the ordinary path instead: no presumed caller (first
 * request of a session, API key), a request the presumed caller may not make or names badly (the
 * ordinary path answers it after a check of its own), a caller who changed since, or a statement
 * that failed before its session was checked.
 */
export async function presumedShow(callers: CallerResolver, engine: ResourceEngine, access: AccessLog, req: FastifyRequest, name: string, id: string): Promise<{ resource: ResourceMeta; row: Record<string, unknown> } | null> {
  const presumed = await callers.presume?.(req);
  if (!presumed) return null;
  const caller = presumed.caller;
  let resource: ResourceMeta;
  let recordId: number;
  try {
    resource = engine.resource(name);
    authorize(caller, resource, 'show');
    recordId = engine.parseId(resource, id);
  } catch {
    return null;
  }
  // With replicas, where a read goes depends on the check (a recent write): the ordinary path.
  if (!resource.options.accessLogged || !engine.primaryOnly) return null;
  const read = () => Promise.reject(new Error('presumedShow reads with its access record only'));
  try {
    const row = await access.aroundRead(req, caller, resource, 'show', recordId, read, (primary, record) =>
      engine.getOne(resource, recordId, caller, primary, false, (params, answered) => ({ ...presumed.parts(params), ...record(params, answered) })),
    );
    return { resource, row };
  } catch (error) {
    // The answer of a check that passed (a 404, a 503) or failed (a 401) stands.
    if (presumed.checked && presumed.passed) throw error;
    return null;
  }
}

/** The caller presumed for a request, if there is one and they may make it (else the ordinary way answers it, after a check of its own). */
async function presumedFor(callers: CallerResolver, engine: ResourceEngine, req: FastifyRequest, name: string, action: Action): Promise<{ presumed: PresumedCaller; resource: ResourceMeta } | null> {
  const presumed = await callers.presume?.(req);
  if (!presumed) return null;
  try {
    const resource = engine.resource(name);
    authorize(presumed.caller, resource, action);
    return { presumed, resource };
  } catch {
    return null;
  }
}

/**
 * A read sent beside the request's own session check instead of after it, as the caller the
 * session's last check found; the ordinary way (check, then read) where nothing is presumed or the
 * presumed caller may not make it. Its answer waits for the check: a session no longer valid is a
 * 401 and the read is dropped unanswered; a caller who changed since (role, districts, permissions)
 * has it made again as they are now. The check is the one every request gets, its own statement,
 * started after the request arrived: one round trip less in a row, nothing less checked.
 */
export async function readBesideCheck<T>(
  callers: CallerResolver,
  engine: ResourceEngine,
  req: FastifyRequest,
  name: string,
  action: Action,
  read: (caller: Caller, resource: ResourceMeta) => Promise<T>,
): Promise<{ caller: Caller; resource: ResourceMeta; answer: T }> {
  const ordinary = async () => {
    const { caller, resource } = await authorizedFor(callers, engine, req, name, action);
    return { caller, resource, answer: await read(caller, resource) };
  };
  const found = await presumedFor(callers, engine, req, name, action);
  if (!found) return ordinary();
  const { presumed, resource } = found;
  const [checked, answered] = await Promise.allSettled([presumed.confirm(), Promise.resolve().then(() => read(presumed.caller, resource))]);
  if (checked.status === 'rejected') throw checked.reason;
  // This request's check is done (and kept for it): the ordinary way does not send it again.
  if (!checked.value.same) return ordinary();
  if (answered.status === 'rejected') throw answered.reason;
  return { caller: checked.value.caller, resource, answer: answered.value };
}

/** The session check in a write's transaction found the caller changed: the write is made again as they are. */
class CallerChanged extends Error {}

/**
 * A write as the caller the session's last check found, its transaction carrying this request's
 * session check in the statement that names the actor (`Caller.sessionCheck`, db/unit-of-work.ts),
 * before any row is read or changed; the ordinary way (check, then write) where nothing is
 * presumed or the presumed caller may not make it. A session no longer valid is a 401 and the
 * transaction is rolled back; a caller who changed since has it rolled back and made again as
 * they are now. A write refused before its transaction opened (a bad body, an unknown id) has its
 * session checked before the refusal is answered. One statement less, nothing less checked.
 */
export async function writeBesideCheck<T>(
  callers: CallerResolver,
  engine: ResourceEngine,
  req: FastifyRequest,
  name: string,
  action: Action,
  write: (caller: Caller, resource: ResourceMeta) => Promise<T>,
): Promise<T> {
  const ordinary = async () => {
    const { caller, resource } = await authorizedFor(callers, engine, req, name, action);
    return write(caller, resource);
  };
  const found = await presumedFor(callers, engine, req, name, action);
  if (!found) return ordinary();
  const { presumed, resource } = found;
  const sessionCheck = (params: Params) => {
    const { before, output, seen } = presumed.checkOnly(params);
    return {
      before,
      output,
      seen: async (row: Record<string, unknown> | undefined) => {
        await seen(row);
        if (!presumed.passed) throw new CallerChanged();
      },
    };
  };
  // Started in a then: a refusal the write throws before its first await (a bad id, a body that is
  // not JSON) is an outcome too, answered only once the session is checked below.
  const outcome = await Promise.resolve()
    .then(() => write({ ...presumed.caller, sessionCheck }, resource))
    .then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  if (!presumed.checked) {
    // Refused before its transaction checked the session: checked now, and a 401 is the answer.
    if (!(await presumed.confirm()).same) return ordinary();
  } else if (!presumed.passed) {
    return ordinary();
  }
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
