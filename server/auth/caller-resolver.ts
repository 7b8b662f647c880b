import type { FastifyRequest } from 'fastify';
import type { Caller } from '../engine/caller.js';
import type { PresumedCaller } from './presumed-caller.js';

/** Turns a request into the engine's Caller (AuthService: the signed-in user, or 401). */
export interface CallerResolver {
  resolve(request: FastifyRequest): Promise<Caller>;
  /** The caller the request presumably is, for a read that checks the session in its own statement. */
  presume?(request: FastifyRequest): Promise<PresumedCaller | null>;
}
