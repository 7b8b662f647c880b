import type { FieldMeta } from '../metadata/resource-meta.js';
import { serializeValue } from '../types/column-types.js';

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
