import { Body, Controller, Param, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { parseLinksRequest, replaceLinks } from '../links/replace-links.js';
import { authorizedFor } from './authorized.js';
import { changeReason, jsonBody } from './request-context.js';
import { EngineRoutes } from './engine-routes.js';

/**
 * A record's linked records (its join tables' rows, `links` in /api/meta) saved from its form in
 * one write: `PUT /api/<resource>/<id>/links {<join table>: [{<item field>: id, ...}]}`. One change
 * set, undone by revert-change-set/<txid>. The parent must be one the caller may show; each link is
 * then the join table's own create, edit or delete, with that table's permissions and scope.
 */
@Controller('api')
export class LinksController extends EngineRoutes {
  @Put(':resource/:id/links')
  async save(@Param('resource') name: string, @Param('id') rawId: string, @Body() body: unknown, @Req() req: FastifyRequest) {
    const { caller, resource } = await authorizedFor(this.callers, this.engine, req, name, 'show');
    const id = this.engine.parseId(resource, rawId);
    const request = parseLinksRequest(resource, id, jsonBody(req, body));
    return replaceLinks(this.engine, resource, id, request, caller, changeReason(req));
  }
}
