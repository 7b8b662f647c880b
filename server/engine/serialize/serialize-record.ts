import type { FieldMeta } from '../metadata/resource-meta.js';
import { valueSerializer } from '../types/column-types.js';

/**
 * A database row as the API shows it: the given (visible) fields only, JSON-friendly values. Made
 * once per answer (the fields chosen by the caller, each one's conversion looked up), not per row.
 */
export function recordSerializer(fields: readonly FieldMeta[]): (row: Record<string, unknown>) => Record<string, unknown> {
  const convert = fields.map((f) => [f.name, valueSerializer(f)] as const);
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const [name, serialize] of convert) {
      if (!(name in row)) continue;
      const value = row[name];
      out[name] = value === null || value === undefined ? null : serialize(value);
    }
    return out;
  };
}

/** `Content-Range: claim 0-24/319`: what ra-data-simple-rest reads the total from. */
export function contentRange(resource: string, start: number, count: number, total: number): string {
  return count === 0 ? `${resource} */${total}` : `${resource} ${start}-${start + count - 1}/${total}`;
}
