import { Controller, Get, Header, Inject, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { CallerResolver } from '../auth/caller-resolver.js';
import type { ResourceEngine } from '../engine/execute.js';
import { describeResource } from '../engine/metadata/describe-meta.js';
import { openApiDocument } from './openapi.js';
import { CALLER, ENGINE } from './tokens.js';

const ALL_ACTIONS = ['list', 'show', 'create', 'edit', 'delete', 'export'];

@Controller('api')
export class MetaController {
  constructor(
    @Inject(ENGINE) private readonly engine: ResourceEngine,
    @Inject(CALLER) private readonly callers: CallerResolver,
  ) {}

  /** Every resource the caller may use, with the actions allowed to them. */
  @Get('meta')
  async meta(@Req() req: FastifyRequest) {
    const caller = await this.callers.resolve(req);
    const resources = [...this.engine.resources.values()].map((r) =>
      describeResource(r, this.engine.resources, caller, r.readOnly ? ['list', 'show', 'export'] : ALL_ACTIONS),
    );
    return { resources };
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
