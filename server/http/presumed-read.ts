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
import type { ListResult } from '../engine/read/resource-reader.js';
import { parseListQuery } from '../engine/params/parse-simple-rest.js';

/**
 * A read made in one statement with its session check (auth/presumed-caller.ts), as the caller the
 * session's last check found, where every read runs on the primary (no replicas: with them, where a
 * read goes depends on the check, a recent write). Null when the request takes the ordinary path
 * instead: no presumed caller (first request of a session, API key), a request the presumed caller
 * may not make (the ordinary path answers it after a check of its own), a read that `run` leaves to
 * it (null), or a caller who changed since.
 */
async function inOneStatement<T>(callers: CallerResolver, engine: ResourceEngine, req: FastifyRequest, name: string, action: Action, run: (presumed: PresumedCaller, resource: ResourceMeta) => Promise<T | null>): Promise<{ resource: ResourceMeta; answer: T } | null> {
  if (!engine.primaryOnly) return null;
  const found = await presumedFor(callers, engine, req, name, action);
  if (!found) return null;
  const { presumed, resource } = found;
  try {
    const answer = await run(presumed, resource);
    // Answered only as the caller presumed: one who changed since is served the ordinary way.
    return answer === null || !presumed.passed ? null : { resource, answer };
  } catch (error) {
    // The answer of a check that passed (a 404, a 503) or failed (a 401) stands.
    if (presumed.checked) {
      if (presumed.passed) throw error;
      return null;
    }
    // Refused before its session was checked (a bad id or filter, a statement that timed out): the
    // session is checked now, and the refusal stands for the caller presumed, not made again.
    if ((await presumed.confirm()).same) throw error;
    return null;
  }
}

/** A show of an access-logged record in one statement: the session check, the read and its access record together (audit/access-log.ts). */
export async function presumedShow(callers: CallerResolver, engine: ResourceEngine, access: AccessLog, req: FastifyRequest, name: string, id: string): Promise<{ resource: ResourceMeta; row: Record<string, unknown> } | null> {
  const shown = await inOneStatement(callers, engine, req, name, 'show', async (presumed, resource) => {
    if (!resource.options.accessLogged) return null;
    const recordId = engine.parseId(resource, id);
    const read = () => Promise.reject(new Error('presumedShow reads with its access record only'));
    return access.aroundRead(req, presumed.caller, resource, 'show', recordId, read, (primary, record) =>
      engine.getOne(resource, recordId, presumed.caller, primary, false, (params, answered) => ({ ...presumed.parts(params), ...record(params, answered) })),
    );
  });
  return shown && { resource: shown.resource, row: shown.answer };
}

/**
 * A list page in one statement: the session check, the page and, for an access-logged resource,
 * its access record (audit/access-log.ts, `pageRecord`); its total beside it, as always. A record
 * is written only for a page answered: the session valid and the caller the one presumed.
 */
export async function presumedList(callers: CallerResolver, engine: ResourceEngine, access: AccessLog, req: FastifyRequest, name: string, query: Record<string, unknown>): Promise<{ resource: ResourceMeta; result: ListResult } | null> {
  const listed = await inOneStatement(callers, engine, req, name, 'list', async (presumed, resource) => {
    const parsed = parseListQuery(query);
    const record = access.pageRecord(req, presumed.caller, resource, parsed.filter);
    // A statement that failed with no answer of its own (not a timeout, not a bad value) may have
    // failed to write its record: refused (503), as a show's is.
    return engine.list(resource, parsed, presumed.caller, (params, answered, order) => ({ ...presumed.parts(params), ...record?.(params, answered, order) })).catch((error: unknown) => Promise.reject(record ? access.refusal(error) : error));
  });
  return listed && { resource: listed.resource, result: listed.answer };
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
