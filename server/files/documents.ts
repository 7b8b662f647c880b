import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { allowed, authorize } from '../auth/authorize.js';
import type { FilesConfig } from '../config/config.js';
import type { Caller } from '../engine/caller.js';
import type { ResourceEngine } from '../engine/execute.js';
import type { RowEvent } from '../engine/row-events.js';
import { AppError, notFound } from '../errors/app-error.js';
import { isFileKey, newFileKey, type FileStore } from './file-store.js';
import { discardRestOfUpload, spoolUpload } from './spool-upload.js';

/** The table that describes documents (its rows are the metadata; the bytes are in the store). */
export const DOCUMENTS = 'file_metadata';

const logger = new Logger('documents');

/** The stored bytes' SHA-256 and length, read in full. */
async function measure(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

interface OpenedDocument {
  row: Record<string, unknown>;
  stream: Readable;
  /** The length of the stored bytes, as read from the store (not the row's recorded size). */
  size: number;
}

/**
 * Documents attached to any record: the bytes in a FileStore, the description in a file_metadata
 * row written through the engine (so it is validated, scoped and audited like any other row).
 */
export class Documents {
  constructor(
    private readonly engine: ResourceEngine,
    readonly store: FileStore,
    private readonly config: FilesConfig,
  ) {
    engine.rows.on((events) => this.afterCommit(events));
  }

  /**
   * Stores an upload for `<resource>/<id>`. The row is inserted first and the file stored inside the
   * same transaction: a failed store rolls the row back, and a failed commit removes the stored file.
   */
  async upload(resourceName: string, rawId: string, request: FastifyRequest, caller: Caller, reason: string | null): Promise<Record<string, unknown>> {
    try {
      return await this.attach(resourceName, rawId, request, caller, reason);
    } catch (error) {
      discardRestOfUpload(request);
      throw error;
    }
  }

  private async attach(resourceName: string, rawId: string, request: FastifyRequest, caller: Caller, reason: string | null): Promise<Record<string, unknown>> {
    const documents = this.engine.resource(DOCUMENTS);
    authorize(caller, documents, 'create');
    const parent = this.engine.resource(resourceName);
    // The audit log and the document rows themselves are not records one attaches documents to.
    if (parent.readOnly || parent.name === DOCUMENTS) throw new AppError('METHOD_NOT_ALLOWED', `Documents cannot be attached to ${parent.label.toLowerCase()}`);
    const parentId = this.engine.parseId(parent, rawId);
    await this.reachParent(parent.name, parentId, caller);
    const upload = await spoolUpload(request, {
      maxBytes: this.config.maxBytes,
      allowedTypes: this.config.allowedTypes,
      spoolDir: this.config.store === 'local' ? path.join(this.config.dir, '.spool') : path.join(os.tmpdir(), 'kcsos-spool'),
    });
    const key = newFileKey(parent.name, parentId);
    try {
      return await this.engine.create(
        documents,
        {
          entity_table: parent.name,
          entity_id: parentId,
          document_type: upload.fields.document_type ?? '',
          notes: upload.fields.notes || null,
          file_name: upload.fileName,
        },
        caller,
        reason,
        {
          managed: { mime_type: upload.file.mimeType, storage_path: key, file_size_bytes: upload.file.size, checksum: upload.file.sha256 },
          within: () => this.store.put(key, upload.file),
        },
      );
    } catch (error) {
      // Whether the store failed half-way or the commit failed after it: no bytes stay without a row.
      await this.store.remove(key).catch((e: unknown) => logger.error(`could not remove ${key} after a failed upload: ${String(e)}`));
      throw error;
    } finally {
      // A successful put has moved (or consumed) the spool file; otherwise it is removed here.
      await rm(upload.file.path, { force: true });
    }
  }

  /**
   * The record a document belongs to must exist and be one the caller may show (same row scopes):
   * otherwise the document is as good as absent (404).
   */
  private async reachParent(table: string, id: number, caller: Caller): Promise<void> {
    const parent = this.engine.resources.get(table);
    if (!parent || !allowed(caller, parent, 'show')) throw notFound(`No ${table} record ${id} you may see`);
    await this.engine.getOne(parent, id, caller);
  }

  /** A document's row and bytes, after checking who asks and that the bytes are the ones uploaded. */
  async open(rawId: string, caller: Caller): Promise<OpenedDocument> {
    const documents = this.engine.resource(DOCUMENTS);
    authorize(caller, documents, 'show');
    const id = this.engine.parseId(documents, rawId);
    const row = await this.engine.getOne(documents, id, caller);
    await this.reachParent(String(row.entity_table), Number(row.entity_id), caller);
    const key = row.storage_path;
    if (!isFileKey(key) || typeof row.checksum !== 'string') throw notFound(`Document ${id} has no stored file (metadata only)`);
    const first = await this.store.read(key);
    if (!first) throw notFound(`The stored file of document ${id} is missing`);
    // Read twice: verified in full before the first byte is sent, so a damaged file is refused with
    // an error rather than delivered as a truncated download.
    const stored = await measure(first);
    if (stored.sha256 !== row.checksum.toLowerCase()) {
      logger.error(`document ${id}: stored bytes (${key}) do not match the recorded checksum`);
      throw new AppError('INTERNAL', `The stored file of document ${id} does not match its checksum; it was not sent`);
    }
    const stream = await this.store.read(key);
    if (!stream) throw notFound(`The stored file of document ${id} is missing`);
    return { row, stream, size: stored.size };
  }

  /** A deleted document's bytes go aside; undoing the deletion brings them back. */
  private async afterCommit(events: RowEvent[]): Promise<void> {
    for (const event of events) {
      if (event.resource !== DOCUMENTS || !isFileKey(event.row.storage_path)) continue;
      if (event.action === 'deleted') await this.store.discard(event.row.storage_path);
      else if (!(await this.store.restore(event.row.storage_path))) logger.warn(`document ${String(event.row.id)} restored without stored bytes`);
    }
  }
}
