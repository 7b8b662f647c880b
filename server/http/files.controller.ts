import { Controller, Get, Inject, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createRequire } from 'node:module';
import type { CallerResolver } from '../auth/caller-resolver.js';
import type { AppConfig } from '../config/config.js';
import type { Documents } from '../files/documents.js';
import { changeReason } from './request-context.js';
import { ACCESS_LOG, CALLER, CONFIG, DOCUMENTS } from './tokens.js';
import type { AccessLog } from '../audit/access-log.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';

// Loaded the way @fastify/static loads it (require): an ESM import beside that require trips Jest's
// module cycle check.
const { create: contentDisposition } = createRequire(import.meta.url)('content-disposition') as typeof import('content-disposition');

/**
 * Documents attached to records: upload to any record, download by document id. The document rows
 * themselves (list, edit, delete, history, undo) are the generic `file_metadata` resource.
 */
@Controller('api')
export class FilesController {
  constructor(
    @Inject(DOCUMENTS) private readonly documents: Documents,
    @Inject(CONFIG) private readonly config: AppConfig,
    @Inject(CALLER) private readonly callers: CallerResolver,
    @Inject(ACCESS_LOG) private readonly access: AccessLog,
  ) {}

  /** multipart/form-data: a `file` part, `document_type` and optionally `notes`. */
  @Post(':resource/:id/files')
  async upload(@Param('resource') resource: string, @Param('id') id: string, @Req() req: FastifyRequest) {
    const caller = await this.callers.resolve(req);
    return this.documents.upload(resource, id, req, caller, changeReason(req));
  }

  /** The bytes, checksum-verified; inline for the accepted types (previews), `?download=1` to save. */
  @Get(`${T.documents}/:id/content`)
  async content(@Param('id') id: string, @Query('download') download: string | undefined, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const caller = await this.callers.resolve(req);
    const { row, stream, size } = await this.documents.open(id, caller);
    // A document is a read of itself and of the record it is attached to (a student's consent form).
    await this.access.record(req, caller, [
      { table: T.documents, ids: [row.id], action: 'download' },
      { table: String(row.entity_table), ids: [row.entity_id], action: 'download' },
    ]).catch((error: unknown) => {
      stream.destroy();
      throw error;
    });
    const mime = String(row.mime_type ?? '');
    // A type typed into the row by hand is not trusted to render in the browser.
    const safe = this.config.files.allowedTypes.includes(mime);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Cache-Control', 'private, no-store');
    // StreamableFile: Nest sets the headers, skips the body for HEAD and destroys the stream when
    // the client goes away.
    return new StreamableFile(stream, {
      type: safe ? mime : 'application/octet-stream',
      disposition: contentDisposition(String(row.file_name), { type: safe && !download ? 'inline' : 'attachment' }),
      length: size,
    });
  }
}
