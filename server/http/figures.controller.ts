import { Controller, Get, Inject, Param, Query, Req, type OnModuleInit } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { allowed } from '../auth/authorize.js';
import { parseAggregateQuery, planAggregate } from '../engine/aggregate/plan-aggregate.js';
import type { Caller } from '../engine/caller.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import { parseListQuery, refuseAsOf } from '../engine/params/parse-simple-rest.js';
import { DASHBOARD, type FigureDeclaration } from '../schema/dashboard.js';
import { authorizedFor } from './authorized.js';
import type { FigurePools } from './figure-pools.js';
import { FIGURES } from './tokens.js';
import { EngineRoutes } from './engine-routes.js';

/** A caller who sees every field and row: what the declarations are checked against at boot. */
const EVERYTHING: Caller = { userId: null, can: () => true, sees: () => true, refusesWrite: () => null, scope: () => null };

/** A figure as this caller may draw it today, or null when they may not (a resource or field they cannot use). */
function figureFor(figure: FigureDeclaration, resources: Map<string, ResourceMeta>, caller: Caller, today: string) {
  const resource = resources.get(figure.resource);
  if (!resource || !allowed(caller, resource, 'list')) return null;
  const filter = figure.filter?.(today) ?? {};
  const group = figure.group ?? [];
  const sum = figure.sum ?? [];
  if (figure.chart !== 'recent') {
    try {
      planAggregate(resource, parseAggregateQuery({ group, sum }, filter), caller);
    } catch {
      return null;
    }
  }
  return { id: figure.id, title: figure.title, description: figure.description, resource: figure.resource, chart: figure.chart, filter, group, sum };
}

/**
 * Figures: `GET /api/<resource>/aggregate` counts (and sums) a resource's rows by group within the
 * caller's reach, and `GET /api/dashboard` says which declared figures (schema/dashboard.ts) this
 * caller gets. Registered before the generic resource routes, whose `/:resource/:id` would take
 * `/claim/aggregate`.
 */
@Controller('api')
export class FiguresController extends EngineRoutes implements OnModuleInit {
  @Inject(FIGURES) private readonly figures!: FigurePools;

  /** A figure naming an unknown resource, field or filter stops the server at boot. */
  onModuleInit() {
    for (const figure of DASHBOARD.flatMap((s) => s.figures)) {
      if (!figureFor(figure, this.engine.resources, EVERYTHING, '2026-01-01')) throw new Error(`dashboard: figure "${figure.id}" does not plan on ${figure.resource}`);
    }
  }

  @Get('dashboard')
  async dashboard(@Req() req: FastifyRequest) {
    const caller = await this.callers.resolve(req);
    const today = new Date().toISOString().slice(0, 10);
    const sections = DASHBOARD.filter((s) => !s.needs || caller.can(s.needs)).map((s) => ({
      title: s.title,
      figures: s.figures.map((f) => figureFor(f, this.engine.resources, caller, today)).filter((f) => f !== null),
    }));
    return { sections: sections.filter((s) => s.figures.length > 0) };
  }

  @Get(':resource/aggregate')
  async aggregate(@Param('resource') name: string, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest) {
    const { caller, resource } = await authorizedFor(this.callers, this.engine, req, name, 'list');
    refuseAsOf(query, 'figures');
    const { filter } = parseListQuery({ filter: query.filter });
    return this.figures.aggregates.run(planAggregate(resource, parseAggregateQuery(query, filter), caller));
  }
}
