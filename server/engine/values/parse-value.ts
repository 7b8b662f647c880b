import type { FieldMeta } from '../metadata/resource-meta.js';
import type { FieldType } from '../../../contract/meta.js';

/**
 * The value parsers the column types' descriptors use (types/column-types.ts): strict conversion of
 * one JSON value to what a column accepts. Writes take JSON's own types only (no "7" for an
 * integer, no "false" for a boolean); filters come from URLs and forms, so they also
 * accept the canonical string spelling of a number or boolean. Either way a value is never coerced
 * into something else: it is accepted exactly or refused with a reason.
 */
export type Mode = 'write' | 'filter';
export type Parsed = { ok: true; value: unknown } | { ok: false; why: string };

const INT_RANGE: Partial<Record<FieldType, [number, number]>> = {
  smallint: [-32768, 32767],
  integer: [-2147483648, 2147483647],
  bigint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};
const MAX_TEXT = 100_000;
const MAX_ARRAY = 1_000;
const MAX_JSON_DEPTH = 32;

const ok = (value: unknown): Parsed => ({ ok: true, value });
const no = (why: string): Parsed => ({ ok: false, why });

export function text(v: unknown): Parsed {
  if (typeof v !== 'string') return no('must be a string');
  if (v.includes('\u0000')) return no('must not contain NUL characters');
  if (v.length > MAX_TEXT) return no(`must be at most ${MAX_TEXT} characters`);
  if (!v.isWellFormed()) return no('must be valid Unicode');
  return ok(v);
}

export function integer(f: FieldMeta, v: unknown, mode: Mode): Parsed {
  let n = v;
  if (mode === 'filter' && typeof v === 'string' && /^-?\d{1,16}$/.test(v)) n = Number(v);
  if (typeof n !== 'number' || !Number.isInteger(n)) return no('must be a whole number');
  const [min, max] = INT_RANGE[f.type as FieldType] ?? INT_RANGE.bigint!;
  if (n < min || n > max) return no(`must be between ${min} and ${max}`);
  return ok(n);
}

export function decimal(f: FieldMeta, v: unknown, mode: Mode): Parsed {
  let n = v;
  if (mode === 'filter' && typeof v === 'string' && /^-?\d{1,20}(\.\d{1,20})?$/.test(v)) n = Number(v);
  if (typeof n !== 'number' || !Number.isFinite(n)) return no('must be a number');
  if (f.scale !== null && f.precision !== null) {
    if (Math.abs(n) >= 10 ** (f.precision - f.scale)) return no(`must be less than ${10 ** (f.precision - f.scale)} in magnitude`);
    if (Number(n.toFixed(f.scale)) !== n) return no(`must have at most ${f.scale} decimal places`);
  } else if (Math.abs(n) >= 1e15) {
    return no('is too large');
  }
  return ok(n);
}

export function boolean(v: unknown, mode: Mode): Parsed {
  if (typeof v === 'boolean') return ok(v);
  if (mode === 'filter' && (v === 'true' || v === 'false')) return ok(v === 'true');
  return no('must be true or false');
}

/** A real calendar date: 2025-02-30 is refused rather than rolled over into March. */
function isCalendarDate(y: number, m: number, d: number): boolean {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const date = new Date(Date.UTC(2000, m - 1, d));
  date.setUTCFullYear(y);
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export function date(v: unknown): Parsed {
  if (typeof v !== 'string') return no('must be a date (YYYY-MM-DD)');
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m || !isCalendarDate(+m[1], +m[2], +m[3])) return no('must be a real date (YYYY-MM-DD)');
  return ok(v);
}

export function time(v: unknown): Parsed {
  if (typeof v !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$/.test(v)) return no('must be a time (HH:MM or HH:MM:SS)');
  // PostgreSQL answers HH:MM:SS: spell it the same, so "10:00" for a stored 10:00:00 is no change.
  return ok(v.length === 5 ? `${v}:00` : v);
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ]([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d(\.\d{1,6})?)?(Z|[+-](0\d|1[0-4]):?[0-5]\d)$/;

export function timestamp(v: unknown, mode: Mode): Parsed {
  if (typeof v !== 'string') return no('must be a timestamp (ISO 8601 with a time zone)');
  if (mode === 'filter' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return date(v);
  const m = TIMESTAMP.exec(v);
  if (!m || !isCalendarDate(+m[1], +m[2], +m[3]) || Number.isNaN(Date.parse(v.replace(' ', 'T')))) {
    return no('must be a timestamp (ISO 8601 with a time zone)');
  }
  return ok(v);
}

export function json(v: unknown): Parsed {
  let depth = 0;
  let bad: string | null = null;
  const walk = (x: unknown, level: number): void => {
    if (bad) return;
    depth = Math.max(depth, level);
    if (level > MAX_JSON_DEPTH) bad = `must nest at most ${MAX_JSON_DEPTH} levels`;
    else if (typeof x === 'string') {
      if (x.includes('\u0000')) bad = 'must not contain NUL characters';
    } else if (typeof x === 'number') {
      if (!Number.isFinite(x)) bad = 'must hold finite numbers';
    } else if (Array.isArray(x)) x.forEach((e) => walk(e, level + 1));
    else if (x && typeof x === 'object') {
      for (const [k, e] of Object.entries(x)) {
        if (k.includes('\u0000')) bad = 'must not contain NUL characters';
        walk(e, level + 1);
      }
    }
  };
  walk(v, 0);
  return bad ? no(bad) : ok(v);
}

export function textArray(v: unknown): Parsed {
  if (!Array.isArray(v)) return no('must be a list of strings');
  if (v.length > MAX_ARRAY) return no(`must have at most ${MAX_ARRAY} items`);
  for (const e of v) {
    const r = text(e);
    if (!r.ok) return no(`items ${r.why}`);
  }
  return ok(v);
}

export function integerArray(f: FieldMeta, v: unknown, mode: Mode): Parsed {
  if (!Array.isArray(v)) return no('must be a list of whole numbers');
  if (v.length > MAX_ARRAY) return no(`must have at most ${MAX_ARRAY} items`);
  const out: number[] = [];
  for (const e of v) {
    const r = integer({ ...f, type: 'bigint' }, e, mode);
    if (!r.ok) return no(`items ${r.why}`);
    out.push(r.value as number);
  }
  return ok(out);
}
