import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AppError, type ErrorCode } from '../errors/app-error.js';
import { translateDbError } from '../errors/db-error.js';

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'UNAVAILABLE',
};

const SAFE_MESSAGES: Partial<Record<ErrorCode, string>> = {
  BAD_REQUEST: 'The request is malformed',
  NOT_FOUND: 'Not found',
  PAYLOAD_TOO_LARGE: 'The request body is too large',
  UNSUPPORTED_MEDIA_TYPE: 'Send JSON (Content-Type: application/json)',
  METHOD_NOT_ALLOWED: 'Method not allowed',
};

const logger = new Logger('http');

/**
 * The only place an error becomes a response: `{code, message, errors?}` (plus safe details such as
 * the current record of a lock conflict). Framework and parser errors get a fixed message, database
 * errors a translated one; anything unexpected is logged and answered as a bare 500.
 */
function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const translated = translateDbError(error);
  if (translated) return translated;
  const status =
    error instanceof HttpException
      ? error.getStatus()
      : typeof (error as { statusCode?: unknown })?.statusCode === 'number'
        ? (error as { statusCode: number }).statusCode
        : 500;
  const code = BY_STATUS[status];
  if (code && status < 500) return new AppError(code, SAFE_MESSAGES[code] ?? 'The request was refused');
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return new AppError('INTERNAL', 'Internal error');
}

function sendError(reply: FastifyReply, error: unknown): void {
  const e = toAppError(error);
  if (e.headers) for (const [k, v] of Object.entries(e.headers)) reply.header(k, v);
  const body: Record<string, unknown> = { ...(e.details ?? {}), code: e.code, message: e.message };
  if (e.errors) body.errors = e.errors;
  void reply.status(e.status).type('application/json; charset=utf-8').send(body);
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    sendError(host.switchToHttp().getResponse<FastifyReply>(), error);
  }
}
