import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.js';
import type { SpooledFile } from './file-store.js';

export interface Upload {
  file: SpooledFile;
  /** The client's file name, cut down to a display name (never used as a path). */
  fileName: string;
  /** The form's text fields (document_type, notes). */
  fields: Record<string, string>;
}

interface UploadLimits {
  maxBytes: number;
  allowedTypes: string[];
  /** Folder for uploads in progress (on the local store's file system, so storing is a rename). */
  spoolDir: string;
}

const FIELDS = new Set(['document_type', 'notes']);

/**
 * A display name from whatever the client sent: the last path segment, no control characters.
 * Browsers send `"` as %22 and line breaks as %0D/%0A in a multipart file name (WHATWG form
 * encoding), so those three are decoded back.
 */
export function displayName(raw: string | undefined): string {
  const decoded = (raw ?? '').replace(/%22/g, '"').replace(/%0[DA]/gi, '');
  const base = decoded.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
  return clean === '' || clean === '.' || clean === '..' ? 'document' : clean;
}

const megabytes = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/**
 * A refused upload may still be arriving: read the rest away (within the request timeout) so the
 * client gets the answer and the connection is not left half-read.
 */
export function discardRestOfUpload(request: FastifyRequest): void {
  if (request.raw.complete) return;
  request.raw.unpipe();
  request.raw.resume();
}

/** The multipart plugin's limit errors, said plainly. */
function limitError(error: unknown, limits: UploadLimits): unknown {
  switch ((error as { code?: string })?.code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', `The file is larger than the ${megabytes(limits.maxBytes)} limit`);
    case 'FST_FILES_LIMIT':
      return new AppError('PAYLOAD_TOO_LARGE', 'Send one file per upload');
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new AppError('PAYLOAD_TOO_LARGE', 'The form has too many fields');
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data');
    default:
      return error instanceof AppError ? error : new AppError('BAD_REQUEST', 'The upload is malformed or was interrupted');
  }
}

/**
 * Reads a multipart upload (one file, a few text fields) into a spool file, hashing and counting
 * as the bytes arrive, then detects the type from the content (a renamed executable is not a PDF).
 * On any refusal the spool file is gone before the error is thrown.
 */
export async function spoolUpload(request: FastifyRequest, limits: UploadLimits): Promise<Upload> {
  if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data');
  await mkdir(limits.spoolDir, { recursive: true });
  const spool = path.join(limits.spoolDir, randomUUID());
  const fields: Record<string, string> = {};
  let received: { size: number; sha256: string; fileName: string } | undefined;
  try {
    const parts = request.parts({ limits: { fileSize: limits.maxBytes, files: 1, fields: 8, fieldSize: 4000, parts: 9 } });
    for await (const part of parts) {
      if (part.type === 'field') {
        if (FIELDS.has(part.fieldname) && typeof part.value === 'string') fields[part.fieldname] = part.value;
        continue;
      }
      const hash = createHash('sha256');
      let size = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      await pipeline(part.file, tap, createWriteStream(spool));
      received = { size, sha256: hash.digest('hex'), fileName: displayName(part.filename) };
    }
    if (!received) throw new AppError('BAD_REQUEST', 'The upload carries no file (send it in a "file" part)');
    if (received.size === 0) throw new AppError('BAD_REQUEST', 'The file is empty');
    // Loaded on the first upload, not at boot: the sniffer's tables cost a server that never sees one.
    const { fileTypeFromFile } = await import('file-type');
    const detected = await fileTypeFromFile(spool);
    if (!detected || !limits.allowedTypes.includes(detected.mime)) {
      const allowed = limits.allowedTypes.map((t) => t.split('/')[1].toUpperCase()).join(', ');
      const seen = detected ? ` (its content is ${detected.mime})` : ' (its content is not a recognised document or image)';
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Only ${allowed} files are accepted${seen}`);
    }
    return { file: { path: spool, size: received.size, sha256: received.sha256, mimeType: detected.mime }, fileName: received.fileName, fields };
  } catch (error) {
    await rm(spool, { force: true });
    throw limitError(error, limits);
  }
}
