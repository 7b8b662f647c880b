import type { FastifyRequest } from 'fastify';
import type { Caller } from '../engine/caller.js';

/** Turns a request into the engine's Caller (AuthService: the signed-in user, or 401). */
export interface CallerResolver {
  resolve(request: FastifyRequest): Promise<Caller>;
}
