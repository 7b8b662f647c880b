import { AppError } from './app-error.js';

interface PgError {
  code?: string;
  detail?: string;
  column?: string;
  table?: string;
  constraint?: string;
}

/**
 * pg's own words for a connection that is gone (they carry no SQLSTATE): the pool timed out waiting,
 * the server went away mid-query, or a client broken by that is used again.
 */
const CONNECTION_LOST = /timeout exceeded when trying to connect|Connection terminated|is not queryable|Client was closed/i;

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '53300']);

/** The column named in a violation's detail: `Key (email)=(a@b.c) already exists.` */
function keyColumns(detail: string | undefined): string[] {
  const m = /^Key \((.+?)\)=\(/.exec(detail ?? '');
  // An expression index names its column inside the expression: `lower((email)::text)` -> email.
  return m ? m[1].split(',').map((s) => s.trim().replaceAll('"', '').replace(/^\w+\(\(?(\w+)\)?(::\w+)?\)$/, '$1')) : [];
}

/**
 * Translates a PostgreSQL error into the product's one error type. SQLSTATEs are read in this one
 * place; messages are written here, never copied from the database (they can carry SQL and values),
 * except those of the project's own class `KC`, which its triggers word for the user.
 * Returns null for anything unexpected, which the filter logs and answers as a 500.
 */
export function translateDbError(error: unknown, labelOf: (table: string) => string = (t) => t): AppError | null {
  const translated = translate(error, labelOf);
  if (translated) translated.sqlState = (error as PgError).code;
  return translated;
}

function translate(error: unknown, labelOf: (table: string) => string): AppError | null {
  const e = error as PgError & { message?: string };
  if (!e || typeof e !== 'object') return null;
  const code = e.code ?? '';
  // 08P01 (protocol violation) is a fault of ours, not of the connection: it stays a logged 500.
  if (CONNECTION_CODES.has(code) || (code.startsWith('08') && code !== '08P01') || CONNECTION_LOST.test(e.message ?? '')) {
    return new AppError('UNAVAILABLE', 'The database is unavailable; try again shortly', undefined, undefined, { 'Retry-After': '5' });
  }
  switch (code) {
    case '23505': {
      const cols = keyColumns(e.detail);
      const errors = Object.fromEntries(cols.map((c) => [c, cols.length > 1 ? `this combination of ${cols.join(', ')} already exists` : 'must be unique: another record already has this value']));
      return new AppError('CONFLICT', `Another record already has this ${cols.join(' + ') || 'value'}`, errors);
    }
    case '23503': {
      if (/is still referenced from table/.test(e.detail ?? '')) {
        const table = /from table "([^"]+)"/.exec(e.detail ?? '')?.[1] ?? e.table ?? 'another table';
        return new AppError('CONFLICT', `This record cannot be deleted: ${labelOf(table)} still refer to it. Delete or reassign those first.`);
      }
      const cols = keyColumns(e.detail);
      const errors = Object.fromEntries(cols.map((c) => [c, 'refers to a record that does not exist']));
      return new AppError('CONFLICT', `${cols.join(', ') || 'A reference'} refers to a record that does not exist`, errors);
    }
    case '23502':
      return new AppError('VALIDATION', `${e.column ?? 'A field'} is required`, e.column ? { [e.column]: 'is required' } : undefined);
    case '23514':
    case '23P01':
      return new AppError('VALIDATION', 'A value breaks a rule of this table');
    case '40001':
    case '40P01':
      return new AppError('CONFLICT', 'A concurrent change got in the way; try again', undefined, undefined, { 'Retry-After': '1' });
    case '57014':
      return new AppError('UNAVAILABLE', 'The request took too long and was cancelled', undefined, undefined, { 'Retry-After': '5' });
    case '55P03':
      return new AppError('CONFLICT', 'The record is locked by another change; try again', undefined, undefined, { 'Retry-After': '1' });
  }
  // Class KC: refusals raised by the project's own triggers, worded for the user where they are raised.
  if (code.startsWith('KC') && e.message) return new AppError('CONFLICT', e.message);
  // Class 22: data exceptions (out of range, bad encoding, invalid text representation...).
  if (code.startsWith('22')) return new AppError('BAD_REQUEST', 'A value is not valid for its field');
  return null;
}
