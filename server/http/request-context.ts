import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.js';

/** The optional `X-Change-Reason` header: recorded on every audit row the request writes. */
export function changeReason(request: FastifyRequest): string | null {
  const raw = request.headers['x-change-reason'];
  if (raw === undefined) return null;
  const value = Array.isArray(raw) ? raw.join(' ') : raw;
  let decoded = value;
  try {
    // Headers are Latin-1 on the wire; the console sends reasons URI-encoded to carry any text.
    decoded = decodeURIComponent(value);
  } catch {
    decoded = value; // plain text that merely contains a "%" ("100% sure")
  }
  if (decoded.length > 500 || decoded.includes('\u0000')) throw new AppError('BAD_REQUEST', 'X-Change-Reason must be at most 500 characters of text');
  return decoded.trim() || null;
}

/** Writes take JSON only: a form post or plain text is refused before it reaches validation. */
export function jsonBody(request: FastifyRequest, body: unknown): unknown {
  const type = String(request.headers['content-type'] ?? '');
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the record as JSON (Content-Type: application/json)');
  return body;
}
