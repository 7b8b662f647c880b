import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { authorize } from '../auth/authorize.js';
import { bulkUpdate, parseBulkUpdateRequest, parseIds } from '../bulk/bulk-update.js';
import { isPlainObject } from '../engine/validate/validate-payload.js';
import { AppError } from '../errors/app-error.js';
import { importCsv, parseImportRequest } from '../bulk/csv-import.js';
import { changeReason, jsonBody } from './request-context.js';
import { authorizedFor } from './authorized.js';
import { BUDGETS } from './tokens.js';
import { patiently, type RequestBudgets } from './budget.js';
import { EngineRoutes } from './engine-routes.js';

/**
 * Bulk work on any resource, each request one change set: CSV import and bulk edit, each with a
 * preview (every row checked and written, then rolled back) and an apply (all rows or none, with a
 * reason), and bulk delete. Undo is the audit log's revert of the change set.
 */
/** Whether the route applies the change set (or previews it, `…/preview`), with the change reason. */
function applying(req: FastifyRequest) {
  return { apply: !(req.routeOptions.url ?? '').endsWith('/preview'), reason: changeReason(req) };
}

@Controller('api')
export class BulkController extends EngineRoutes {
  @Inject(BUDGETS) private readonly budgets!: RequestBudgets;

  /** `…/preview` runs the change set and rolls it back; without it the change set is applied. */
  @Post([':resource/import', ':resource/import/preview'])
  @HttpCode(200)
  async import(@Param('resource') name: string, @Body() body: unknown, @Req() req: FastifyRequest) {
    // Inserting needs create; an upsert may also edit existing records.
    const { caller, resource } = await authorizedFor(this.callers, this.engine, req, name, 'create');
    const request = parseImportRequest(jsonBody(req, body));
    if (request.mode === 'upsert') authorize(caller, resource, 'edit');
    return patiently(this.budgets.bulk, caller.userId, req, () => importCsv(this.engine, resource, request, caller, applying(req)));
  }

  @Post([':resource/bulk-update', ':resource/bulk-update/preview'])
  @HttpCode(200)
  async bulkUpdate(@Param('resource') name: string, @Body() body: unknown, @Req() req: FastifyRequest) {
    const { caller, resource } = await authorizedFor(this.callers, this.engine, req, name, 'edit');
    const request = parseBulkUpdateRequest(jsonBody(req, body));
    return patiently(this.budgets.bulk, caller.userId, req, () => bulkUpdate(this.engine, resource, request, caller, applying(req)));
  }

  /**
   * Deletes the selected records as one change set (one undo brings them all back, with what the
   * deletes cascaded to): react-admin's bulk delete. All or none: one out of reach is a 404.
   */
  @Post(':resource/bulk-delete')
  @HttpCode(200)
  async bulkDelete(@Param('resource') name: string, @Body() body: unknown, @Req() req: FastifyRequest) {
    const { caller, resource } = await authorizedFor(this.callers, this.engine, req, name, 'delete');
    const request = jsonBody(req, body);
    if (!isPlainObject(request)) throw new AppError('BAD_REQUEST', 'The body must be a JSON object {ids}');
    const ids = parseIds(request.ids);
    const { rows, txid } = await patiently(this.budgets.bulk, caller.userId, req, () => this.engine.removeMany(resource, ids, caller, changeReason(req)));
    return { deleted: rows.map((r) => r.id), txid };
  }
}
