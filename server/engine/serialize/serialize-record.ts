import type { FieldMeta } from '../metadata/resource-meta.js';

/**
 * PostgreSQL's `2026-11-25 06:18:53.123456+00` (or jsonb's `...T06:18:53.123456+00:00`) as ISO 8601
 * in UTC, microseconds kept (the lock compares them).
 */
export function isoTimestamp(pg: string): string {
  const s = pg.replace(' ', 'T');
  if (s.endsWith('+00')) return s.slice(0, -3) + 'Z';
  if (s.endsWith('+00:00')) return s.slice(0, -6) + 'Z';
  return /[+-]\d\d$/.test(s) ? s + ':00' : s;
}

export function serializeValue(field: FieldMeta, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case 'decimal':
      return Number(value);
    case 'bigint': {
      const n = Number(value);
      return Number.isSafeInteger(n) ? n : String(value);
    }
    case 'bigint[]':
      // node-postgres reads int8 elements as strings; ids are safe integers.
      return Array.isArray(value) ? value.map((v) => Number(v)) : value;
    case 'timestamp':
      return typeof value === 'string' ? isoTimestamp(value) : value;
    default:
      return value;
  }
}

/**
 * A database row as the API shows it: the given (visible) fields only, JSON-friendly values. The
 * fields are chosen once per answer by the caller, not once per row.
 */
export function serializeRecord(fields: readonly FieldMeta[], row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    if (!(field.name in row)) continue;
    out[field.name] = serializeValue(field, row[field.name]);
  }
  return out;
}

/** `Content-Range: claim 0-24/319`: what ra-data-simple-rest reads the total from. */
export function contentRange(resource: string, start: number, count: number, total: number): string {
  return count === 0 ? `${resource} */${total}` : `${resource} ${start}-${start + count - 1}/${total}`;
}
