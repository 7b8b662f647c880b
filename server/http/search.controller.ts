import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AccessLog } from '../audit/access-log.js';
import { parseSearchTerm, searchable, searchAll } from '../engine/search/search-all.js';
import type { FigurePools } from './figure-pools.js';
import { ACCESS_LOG, FIGURES } from './tokens.js';
import { EngineRoutes } from './engine-routes.js';

/**
 * `GET /api/search?q=`: the console's search box over every resource the caller may list, each
 * searched as its list's `q` is (fields, scope, visibility), a few hits each, grouped by resource.
 * Registered before the generic routes (`/api/:resource` would take `search`).
 */
@Controller('api')
export class SearchController extends EngineRoutes {
  @Inject(FIGURES) private readonly figures!: FigurePools;
  @Inject(ACCESS_LOG) private readonly access!: AccessLog;

  @Get('search')
  async search(@Query() query: Record<string, unknown>, @Req() req: FastifyRequest) {
    const caller = await this.callers.resolve(req);
    const q = parseSearchTerm(query.q);
    const { found, ...answer } = await this.figures.searches.run(caller.userId, () => searchAll(this.figures.search, searchable(this.engine.resources.values(), caller), q, caller));
    // The hits name people (a student, a claim's student): each is a read like a list page's.
    await this.access.record(req, caller, [...found].filter(([r]) => r.options.accessLogged).map(([r, ids]) => ({ table: r.name, ids, action: 'list' as const, filter: { q } })));
    return answer;
  }
}
