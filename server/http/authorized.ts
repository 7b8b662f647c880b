import type { FastifyRequest } from 'fastify';
import { authorize } from '../auth/authorize.js';
import type { Action } from '../schema/matrix-terms.js';
import type { CallerResolver } from '../auth/caller-resolver.js';
import type { Caller } from '../engine/caller.js';
import type { ResourceEngine } from '../engine/execute.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';

/**
 * Every generic route starts the same way: who is asking (401 if nobody), which resource (404 if
 * none), and may they do this action there (403). Answers both for the route to hand over.
 */
export async function authorizedFor(
  callers: CallerResolver,
  engine: ResourceEngine,
  req: FastifyRequest,
  name: string,
  action: Action,
): Promise<{ caller: Caller; resource: ResourceMeta }> {
  const caller = await callers.resolve(req);
  const resource = engine.resource(name);
  authorize(caller, resource, action);
  return { caller, resource };
}
