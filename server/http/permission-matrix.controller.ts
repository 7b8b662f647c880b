import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { allowed, requirePermission } from '../auth/authorize.js';
import { AppError } from '../errors/app-error.js';
import { diffMatrix, parseMatrixRequest } from '../permissions/matrix-changes.js';
import { readMatrix } from '../permissions/matrix-read.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';
import { changeReason, jsonBody } from './request-context.js';
import { EngineRoutes } from './engine-routes.js';

const MANAGE = 'permission.manage';

/**
 * The permission matrix as people edit it: read in words (`GET`), a batch of toggles previewed
 * (`POST …/preview`: who gains and loses what, and how many active users that reaches; the writes
 * are made and rolled back, so a refusal shows here first) and saved with a reason as one change
 * set (`POST`: one transaction, audited row by row, undone by revert-change-set/<txid>).
 * Each item is written through the engine's own edit of the permission items, with its checks.
 */
@Controller('api/permission-matrix')
export class PermissionMatrixController extends EngineRoutes {
  @Get()
  async matrix(@Req() req: FastifyRequest) {
    const caller = await this.callers.resolve(req);
    if (!allowed(caller, this.engine.resource(T.permissions), 'list')) requirePermission(caller, MANAGE);
    return readMatrix(this.engine.pool, this.engine.resources);
  }

  @Post('preview')
  @HttpCode(200)
  preview(@Body() body: unknown, @Req() req: FastifyRequest) {
    return this.run(body, req, false);
  }

  @Post()
  @HttpCode(200)
  save(@Body() body: unknown, @Req() req: FastifyRequest) {
    return this.run(body, req, true);
  }

  private async run(body: unknown, req: FastifyRequest, apply: boolean) {
    const caller = await this.callers.resolve(req);
    const items = this.engine.resource(T.permissions);
    // The editor is permission.manage's own tool, which nobody can take from their own role (a
    // trigger refuses it): a manager who took permission_item.edit or .list from their role still
    // edits the matrix here, so nobody locks everyone out. Each cell's write needs it as well.
    requirePermission(caller, MANAGE);
    const request = parseMatrixRequest(jsonBody(req, body));
    const reason = changeReason(req);
    if (apply && !reason) throw new AppError('BAD_REQUEST', 'A change to the permission matrix needs a reason (X-Change-Reason)', { reason: 'required' });
    return this.engine.write(caller, reason, async (tx) => {
      // The version row is locked by a save, so two saves made against the same matrix take turns
      // and the second one is told the matrix moved on.
      const matrix = await readMatrix(tx, this.engine.resources, apply);
      if (request.version !== null && request.version !== matrix.version) {
        throw new AppError('CONFLICT', 'Someone changed the permission matrix since you loaded it: reload it, then make your change again', undefined, { version: matrix.version });
      }
      const { patches, ...effect } = diffMatrix(matrix, request.changes);
      await tx.query('SAVEPOINT matrix_change');
      for (const p of patches) await this.engine.updateIn(tx, items, p.id, p.patch, caller);
      if (!apply) {
        await this.engine.checkReach(tx, caller);
        await tx.query('ROLLBACK TO SAVEPOINT matrix_change');
        return { ...effect, version: matrix.version, applied: false, txid: null };
      }
      return { ...effect, applied: true, txid: patches.length ? await this.engine.txid(tx) : null };
    });
  }
}
