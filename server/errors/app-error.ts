/** The product's one error type: a code (mapped to a status in one table) and a safe message. */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'MFA_REQUIRED'
  | 'MFA_INVALID'
  | 'MFA_ENROLMENT_REQUIRED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'GONE'
  | 'PRECONDITION_FAILED'
  | 'PRECONDITION_REQUIRED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'VALIDATION'
  | 'TOO_MANY_REQUESTS'
  | 'UNAVAILABLE'
  | 'INTERNAL';

const ERROR_STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  // Sign-in's second step: the password was right, the one-time code is missing or wrong.
  MFA_REQUIRED: 401,
  MFA_INVALID: 401,
  // A session that may only enrol a second factor (its role requires one) used another route.
  MFA_ENROLMENT_REQUIRED: 403,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  // Time travel to a moment whose events retention archived out of the log.
  GONE: 410,
  PRECONDITION_FAILED: 412,
  PRECONDITION_REQUIRED: 428,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  VALIDATION: 400,
  TOO_MANY_REQUESTS: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Per-field reasons, shown by react-admin next to the inputs. */
    readonly errors?: Record<string, string>,
    /** Extra safe payload (the current record on a lock conflict, conflicting fields on undo). */
    readonly details?: Record<string, unknown>,
    /** Extra response headers (Retry-After). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** The PostgreSQL SQLSTATE this error was translated from, for callers that retry (never sent). */
  sqlState?: string;

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const badRequest = (message: string, errors?: Record<string, string>) =>
  new AppError('BAD_REQUEST', message, errors);
export const notFound = (message = 'Not found') => new AppError('NOT_FOUND', message);
