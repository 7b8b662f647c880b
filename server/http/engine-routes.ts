import { Inject } from '@nestjs/common';
import type { CallerResolver } from '../auth/caller-resolver.js';
import type { ResourceEngine } from '../engine/execute.js';
import { CALLER, ENGINE } from './tokens.js';

/**
 * What every generic router needs: the engine and who is asking. Injected as properties, so a
 * router declares only what it needs beyond them.
 */
export abstract class EngineRoutes {
  @Inject(ENGINE) protected readonly engine!: ResourceEngine;
  @Inject(CALLER) protected readonly callers!: CallerResolver;
}
