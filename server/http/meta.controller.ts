import { Controller, Get, Header, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { describeResource } from '../engine/metadata/describe-meta.js';
import { openApiDocument } from './openapi.js';
import type { MetaAnswer } from '../../contract/meta.js';
import { mayReadLabels } from '../auth/labels.js';
import { allowed } from '../auth/authorize.js';
import { ACTIONS } from '../schema/matrix-terms.js';
import { roles } from '../schema/roles.js';
import { EngineRoutes } from './engine-routes.js';

@Controller('api')
export class MetaController extends EngineRoutes {
  /** Every resource the caller may list, with the actions allowed to them, so the console can hide the rest. */
  @Get('meta')
  async meta(@Req() req: FastifyRequest): Promise<MetaAnswer> {
    const caller = await this.callers.resolve(req);
    const resources = [...this.engine.resources.values()]
      .filter((r) => allowed(caller, r, 'list'))
      .map((r) => {
        const actions = ACTIONS.filter((a) => !(r.readOnly && ['create', 'edit', 'delete'].includes(a)) && allowed(caller, r, a));
        return describeResource(r, this.engine.resources, caller, actions);
      });
    // Resources the caller may not list but whose labels they may read (GET /api/<name>/labels).
    const labels = [...this.engine.resources.values()]
      .filter((r) => !allowed(caller, r, 'list') && mayReadLabels(caller, r, this.engine.resources))
      .map((r) => ({ name: r.name, singular: r.singular, representation: r.representation }));
    // The roles as declared: the console's matrix columns and role choices read them.
    const roleList = roles().map(({ name, key, label, scope, scopeLabel }) => ({ name, key, label, scope: scope ?? null, scopeLabel: scopeLabel ?? null }));
    const features = Object.fromEntries([...this.engine.resources.values()].filter((r) => r.options.feature).map((r) => [r.options.feature, r.name]));
    return { resources, labels, roles: roleList, features };
  }

  @Get('docs-json')
  openapi() {
    return openApiDocument(this.engine.resources.values());
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  docs() {
    return `<!doctype html><html><head><meta charset="utf-8"><title>API docs</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/init.js"></script></body></html>`;
  }
}
