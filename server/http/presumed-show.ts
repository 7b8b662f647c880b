import type { FastifyRequest } from 'fastify';
import type { AccessLog } from '../audit/access-log.js';
import { authorize } from '../auth/authorize.js';
import type { CallerResolver } from '../auth/caller-resolver.js';
import type { ResourceEngine } from '../engine/execute.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';

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
