import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { revertChangeSet, revertEvent } from '../audit/revert.js';
import { previewRevertChangeSet, previewRevertEvent } from '../audit/revert-preview.js';
import type { Caller } from '../engine/caller.js';
import type { Alongside, ListResult, Queryable } from '../engine/read/resource-reader.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import { parseListQuery, refuseAsOf } from '../engine/params/parse-simple-rest.js';
import { contentRange } from '../engine/serialize/serialize-record.js';
import { csvStream } from '../engine/serialize/csv-export.js';
import { exportColumns, exportFileName, withReferenceLabels } from '../engine/serialize/readable-export.js';
import { createRequire } from 'node:module';
import { AppError, notFound } from '../errors/app-error.js';
import { labelsCaller, mayReadLabels } from '../auth/labels.js';
import { requirePermission } from '../auth/authorize.js';
import { changeReason, jsonBody } from './request-context.js';
import { authorizedFor } from './authorized.js';
import { presumedShow, readBesideCheck, writeBesideCheck } from './presumed-read.js';
import { ACCESS_LOG, BUDGETS, CONFIG } from './tokens.js';
import { patiently, type RequestBudgets } from './budget.js';
import type { AppConfig } from '../config/config.js';
import { recordedInChunks, type AccessLog } from '../audit/access-log.js';
import { getOneAsOf, parseMoment } from '../audit/as-of.query.js';
import { listAsOf } from '../audit/as-of.list.js';
import { compareVersions, historyWithVersions, listVersions } from '../audit/versions.js';
import { historyArchivedUntil } from '../audit/archive-horizon.js';
import { restoreVersion } from '../audit/restore.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';
import { EngineRoutes } from './engine-routes.js';
import { answersWithRecord, recordingConflicts, type ConflictAttempt } from '../audit/write-conflicts.js';
import { recordEdit } from '../links/record-links.js';

/** A preview is for who may undo, or browse the trail (it then names audit.revert as missing). */
function mayPreviewUndo(caller: Caller): void {
  if (!caller.can('audit.browse')) requirePermission(caller, 'audit.revert');
}

// Loaded as files.controller.ts loads it (require; see there).
const { create: contentDisposition } = createRequire(import.meta.url)('content-disposition') as typeof import('content-disposition');

/**
 * One router for every resource, in the protocol of ra-data-simple-rest. It holds no logic: each
 * route parses, resolves the caller and hands over to the engine.
 */
@Controller('api')
export class ResourcesController extends EngineRoutes {
  @Inject(CONFIG) private readonly config!: AppConfig;
  @Inject(BUDGETS) private readonly budgets!: RequestBudgets;
  @Inject(ACCESS_LOG) private readonly access!: AccessLog;

  @Post(`${T.auditLog}/revert-change-set/:txid`)
  @HttpCode(200)
  async revertChangeSet(@Param('txid') txid: string, @Req() req: FastifyRequest) {
    const caller = await this.callers.resolve(req);
    requirePermission(caller, 'audit.revert');
    if (!/^\d{1,15}$/.test(txid)) throw notFound(`Change set ${txid.slice(0, 20)} not found`);
    // A change set may hold thousands of rows: its undo is bulk work, within the bulk budget.
    return patiently(this.budgets.bulk, caller.userId, req, () => revertChangeSet(this.engine, Number(txid), caller, changeReason(req)));
  }

  /** What undoing the change set would do, run and rolled back: changes, conflicts, missing permissions. */
  @Post(`${T.auditLog}/revert-change-set/:txid/preview`)
  @HttpCode(200)
  async previewRevertChangeSet(@Param('txid') txid: string, @Req() req: FastifyRequest) {
    const caller = await this.callers.resolve(req);
    mayPreviewUndo(caller);
    if (!/^\d{1,15}$/.test(txid)) throw notFound(`Change set ${txid.slice(0, 20)} not found`);
    // Run and rolled back, as heavy as the undo itself (twelve at once of 1,660 rows took the heap).
    return patiently(this.budgets.bulk, caller.userId, req, () => previewRevertChangeSet(this.engine, Number(txid), caller));
  }

  @Post(`${T.auditLog}/:id/revert/preview`)
  @HttpCode(200)
  async previewRevert(@Param('id') id: string, @Req() req: FastifyRequest) {
    const caller = await this.callers.resolve(req);
    mayPreviewUndo(caller);
    return previewRevertEvent(this.engine, this.engine.parseId(this.engine.resource(T.auditLog), id), caller);
  }

  @Post(`${T.auditLog}/:id/revert`)
  @HttpCode(200)
  async revert(@Param('id') id: string, @Req() req: FastifyRequest) {
    const caller = await this.callers.resolve(req);
    requirePermission(caller, 'audit.revert');
    const eventId = this.engine.parseId(this.engine.resource(T.auditLog), id);
    return revertEvent(this.engine, eventId, caller, changeReason(req));
  }

  @Get(':resource')
  async list(@Param('resource') name: string, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { as_of: asOf, ...rest } = query;
    // The page and its total are read beside the session check (presumed-read.ts).
    const { caller, resource, answer } = await readBesideCheck(this.callers, this.engine, req, name, 'list', async (caller, resource) => {
      const parsed = parseListQuery(rest);
      // Time travel (server/audit/as-of.query.ts): the same list as it stood at a moment.
      const result = asOf === undefined ? await this.engine.list(resource, parsed, caller) : await listAsOf(this.engine, resource, parsed, parseMoment(asOf), caller);
      return { parsed, result };
    });
    const { parsed, result } = answer;
    await this.access.recordRead(req, caller, resource, 'list', result.rows.map((r) => r.id), parsed.filter);
    return this.page(reply, resource, result);
  }

  /** A list page's rows, with the total where ra-data-simple-rest reads it. */
  private page(reply: FastifyReply, resource: ResourceMeta, result: ListResult) {
    reply.header('Content-Range', contentRange(resource.name, result.start, result.rows.length, result.total));
    if (result.approximate) reply.header('X-Total-Approximate', 'true');
    return result.rows;
  }

  /**
   * A list of labels only (id, the representation's fields, the keys referred to), for the
   * references on records the caller may show: same protocol, filters, `q`, sort and paging.
   */
  @Get(':resource/labels')
  async labels(@Param('resource') name: string, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const caller = await this.callers.resolve(req);
    const resource = this.engine.resource(name);
    if (!mayReadLabels(caller, resource, this.engine.resources)) throw new AppError('FORBIDDEN', `You may not read ${resource.label.toLowerCase()}`);
    const parsed = parseListQuery(query);
    const result = await this.engine.list(resource, parsed, labelsCaller(caller, resource));
    // Labels name people (a student's name and SSID on a claim): a read like any list.
    await this.access.recordRead(req, caller, resource, 'list', result.rows.map((r) => r.id), parsed.filter);
    return this.page(reply, resource, result);
  }

  /**
   * The filtered list as CSV, every matching row (no page limit), streamed: headed by the fields'
   * labels, references written as what they name, in a file named after the resource and the day.
   * `raw=1`: field names and stored values, as an import reads them back.
   */
  @Get(':resource/export')
  async export(@Param('resource') name: string, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { caller, resource } = await authorizedFor(this.callers, this.engine, req, name, 'export');
    refuseAsOf(query, 'exports');
    const { range: _ignored, raw: rawParam, ...rest } = query;
    const raw = rawParam === '1' || rawParam === 'true';
    const parsed = parseListQuery(rest);
    const exported = this.engine.exportRows(resource, parsed, caller);
    const { fields } = exported;
    const read = resource.options.accessLogged
      ? recordedInChunks(exported.rows, (ids) => this.access.recordRead(req, caller, resource, 'export', ids, parsed.filter))
      : exported.rows;
    // Naming a reference reads its record's label (a claim's student): recorded like /labels.
    const rows = raw ? read : withReferenceLabels(this.engine, resource, caller, fields, read, (target, ids) => this.access.recordRead(req, caller, target, 'list', ids));
    // Admitted (or refused with 429) once the filter is known to be good; the place is held until
    // the answer is over, however it ends.
    const leave = this.budgets.exports.enter(caller.userId);
    reply.header('Content-Type', 'text/csv; charset=utf-8');
    reply.header('Content-Disposition', contentDisposition(exportFileName(resource)));
    const stream = csvStream(exportColumns(resource, fields, raw), rows, this.budgets.exportStallMs);
    // A client that goes away mid-download must give its cursor's connection back to the pool.
    reply.raw.on('close', () => {
      leave();
      if (!reply.raw.writableFinished) stream.destroy();
    });
    return stream;
  }

  @Get(':resource/:id/history')
  async history(@Param('resource') name: string, @Param('id') id: string, @Req() req: FastifyRequest) {
    const { caller, resource } = await authorizedFor(this.callers, this.engine, req, name, 'show');
    const recordId = this.engine.parseId(resource, id);
    return this.access.aroundRead(req, caller, resource, 'history', recordId, () => historyWithVersions(this.engine, resource, recordId, caller));
  }

  /** The record's versions: every event with who, when, reason and change set, and the moment to read it back. */
  @Get(':resource/:id/versions')
  async versions(@Param('resource') name: string, @Param('id') id: string, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { caller, resource } = await authorizedFor(this.callers, this.engine, req, name, 'show');
    const recordId = this.engine.parseId(resource, id);
    const versions = await this.access.aroundRead(req, caller, resource, 'history', recordId, () => listVersions(this.engine, resource, recordId, caller));
    // Retention archived older events: the versions listed start after them (server/audit/archive-horizon.ts).
    const until = await historyArchivedUntil(this.engine);
    if (until) reply.header('X-Versions-Archived-Until', until);
    return versions;
  }

  /** Two versions field by field: `from` an event id, `to` an event id or `current`. */
  @Get(':resource/:id/compare')
  async compare(@Param('resource') name: string, @Param('id') id: string, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest) {
    const { caller, resource } = await authorizedFor(this.callers, this.engine, req, name, 'show');
    const recordId = this.engine.parseId(resource, id);
    return this.access.aroundRead(req, caller, resource, 'history', recordId, () => compareVersions(this.engine, resource, recordId, query.from, query.to, caller));
  }

  @Post(':resource/:id/restore')
  @HttpCode(200)
  restore(@Param('resource') name: string, @Param('id') id: string, @Body() body: unknown, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.restoreTo(name, id, body, req, reply, false);
  }

  @Post(':resource/:id/restore/preview')
  @HttpCode(200)
  restorePreview(@Param('resource') name: string, @Param('id') id: string, @Body() body: unknown, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.restoreTo(name, id, body, req, reply, true);
  }

  /** Restore is an edit (server/audit/restore.ts): the edit permission, a reason and the current version as precondition. */
  private async restoreTo(name: string, id: string, body: unknown, req: FastifyRequest, reply: FastifyReply, preview: boolean) {
    const { caller, resource } = await authorizedFor(this.callers, this.engine, req, name, 'edit');
    const ifMatch = req.headers['if-match'];
    const precondition = { ifMatch: Array.isArray(ifMatch) ? ifMatch.join(',') : ifMatch, required: this.config.requirePrecondition };
    const recordId = this.engine.parseId(resource, id);
    const restore = () => restoreVersion(this.engine, resource, recordId, jsonBody(req, body), caller, { reason: changeReason(req) ?? null, precondition, preview });
    // A preview writes nothing, so it refuses no write.
    const result = preview ? await restore() : await this.refusalsRecorded(req, { caller, resource, id: recordId, action: 'edit', address: req.ip ?? null }, restore);
    if (!preview) reply.header('ETag', this.engine.etag(resource, result.record));
    return result;
  }

  /**
   * A write refused because the record changed since it was read (409/412) is recorded in the
   * conflict log, and it answers with the record as it stands now: that answer is a read of the
   * record, recorded like a show (or not answered, 503, when it cannot be recorded).
   */
  private async refusalsRecorded<R>(req: FastifyRequest, attempt: ConflictAttempt, work: () => Promise<R>): Promise<R> {
    try {
      return await recordingConflicts(this.engine.pool, attempt, work);
    } catch (error) {
      if (answersWithRecord(error)) await this.access.recordRead(req, attempt.caller, attempt.resource, 'show', [attempt.id]);
      throw error;
    }
  }

  @Get(':resource/:id')
  async getOne(@Param('resource') name: string, @Param('id') id: string, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    // The session check, the read and its access record in one statement where it can (presumed-read.ts).
    const shown = query.as_of === undefined ? await presumedShow(this.callers, this.engine, this.access, req, name, id) : null;
    if (shown) {
      reply.header('ETag', this.engine.etag(shown.resource, shown.row));
      return shown.row;
    }
    const { caller, resource } = await authorizedFor(this.callers, this.engine, req, name, 'show');
    const recordId = this.engine.parseId(resource, id);
    if (query.as_of !== undefined) {
      // A past version: no ETag, it is not something a PUT could replace.
      const moment = parseMoment(query.as_of);
      return this.access.aroundRead(req, caller, resource, 'show', recordId, () => getOneAsOf(this.engine, resource, recordId, moment, caller));
    }
    const db = this.engine.reader(caller);
    // On the primary anyway: the access record rides in the read's own statement (access-log.ts).
    const withRecord = db === this.engine.pool ? (primary: Queryable, alongside: Alongside) => this.engine.getOne(resource, recordId, caller, primary, false, alongside) : undefined;
    const row = await this.access.aroundRead(req, caller, resource, 'show', recordId, () => this.engine.getOne(resource, recordId, caller, db), withRecord);
    reply.header('ETag', this.engine.etag(resource, row));
    return row;
  }

  @Post(':resource')
  async create(@Param('resource') name: string, @Body() body: unknown, @Req() req: FastifyRequest) {
    // The writes open their transaction beside the session check (presumed-read.ts).
    return writeBesideCheck(this.callers, this.engine, req, name, 'create', (caller, resource) => this.engine.create(resource, jsonBody(req, body), caller, changeReason(req)));
  }

  @Put(':resource/:id')
  async update(@Param('resource') name: string, @Param('id') id: string, @Body() body: unknown, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const ifMatch = req.headers['if-match'];
    const precondition = { ifMatch: Array.isArray(ifMatch) ? ifMatch.join(',') : ifMatch, required: this.config.requirePrecondition };
    return writeBesideCheck(this.callers, this.engine, req, name, 'edit', async (caller, resource) => {
      const recordId = this.engine.parseId(resource, id);
      const attempt = { caller, resource, id: recordId, action: 'edit' as const, address: req.ip ?? null };
      // The record's links may come with its fields (`_links`): one save, one change set.
      const edit = recordEdit(this.engine, resource, recordId, jsonBody(req, body), caller);
      const row = await this.refusalsRecorded(req, attempt, () => this.engine.update(resource, recordId, edit.fields, caller, changeReason(req), precondition, edit.within));
      await edit.committed();
      reply.header('ETag', this.engine.etag(resource, row));
      return row;
    });
  }

  @Delete(':resource/:id')
  async remove(@Param('resource') name: string, @Param('id') id: string, @Req() req: FastifyRequest) {
    return writeBesideCheck(this.callers, this.engine, req, name, 'delete', (caller, resource) => this.engine.remove(resource, this.engine.parseId(resource, id), caller, changeReason(req)));
  }
}
