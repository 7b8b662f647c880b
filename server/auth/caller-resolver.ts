import type { FastifyRequest } from 'fastify';
import { systemCaller, type Caller } from '../engine/caller.js';

/** Turns a request into the engine's Caller. The guard's implementation replaces this one. */
export interface CallerResolver {
  resolve(request: FastifyRequest): Promise<Caller>;
}

/** Until sign-in exists every request acts as the system account. */
export function systemResolver(systemUserId: number): CallerResolver {
  return { resolve: async () => systemCaller(systemUserId) };
}
