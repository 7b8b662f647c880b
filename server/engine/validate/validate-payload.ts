import { AppError } from '../../errors/app-error.js';
import type { Caller } from '../caller.js';
import type { ResourceMeta } from '../metadata/resource-meta.js';
import { parseValue } from '../types/column-types.js';
import { exceeds, ruleBroken } from './field-rules.js';

export type Mode = 'create' | 'update';

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a write body field by field against the metadata and returns the values to write. Every
 * problem is collected, so the form can show them all at once: `{message, errors: {field: why}}`.
 * Server-managed fields are dropped (react-admin's edit form sends the whole record back).
 */
export function validatePayload(
  resource: ResourceMeta,
  body: unknown,
  mode: Mode,
  caller: Caller,
  current: Record<string, unknown> | null,
): Record<string, unknown> {
  if (!isPlainObject(body)) throw new AppError('BAD_REQUEST', 'The body must be a JSON object');
  // Null-prototype records: a "__proto__" key from the body must stay an ordinary (refused) key
  // rather than reach Object.prototype's setter and vanish.
  const values: Record<string, unknown> = Object.create(null);
  const errors: Record<string, string> = Object.create(null);
  for (const [key, raw] of Object.entries(body)) {
    const field = resource.field.get(key);
    if (!field || !caller.sees(resource, field)) {
      errors[key] = 'is not a field of this resource';
      continue;
    }
    if (field.readOnly) continue;
    if (raw === null) {
      if (!field.nullable) errors[key] = 'is required';
      else values[key] = null;
      continue;
    }
    const parsed = parseValue(field, raw, 'write');
    if (!parsed.ok) {
      errors[key] = parsed.why;
      continue;
    }
    if (!field.nullable && field.type === 'text' && (parsed.value as string).trim() === '') {
      errors[key] = 'is required';
      continue;
    }
    values[key] = parsed.value;
  }
  if (mode === 'create') {
    for (const field of resource.fields) {
      if (field.required && !(field.name in values) && !(field.name in errors)) errors[field.name] = 'is required';
    }
  }
  // Rules apply to what this write changes: a record saved whole (as react-admin sends it) is not
  // refused for a value it already held.
  const changes = (key: string) => mode === 'create' || JSON.stringify(values[key]) !== JSON.stringify(current?.[key] ?? null);
  for (const key of mode === 'create' ? [] : (resource.options.fixedOnceCreated ?? [])) {
    if (key in values && changes(key)) errors[key] = 'is set when the record is created and cannot be changed';
  }
  for (const key of Object.keys(values)) {
    const field = resource.field.get(key)!;
    const refusal = caller.refusesWrite(resource, field, current) ?? ruleBroken(field, values[key]);
    if (refusal && changes(key)) errors[key] = refusal;
  }
  for (const [low, high] of resource.options.ordered ?? []) {
    if (!(low in values) && !(high in values)) continue;
    const value = (k: string) => (k in values ? values[k] : current?.[k]);
    if (!(low in errors) && !(high in errors) && exceeds(value(low), value(high))) {
      errors[high in values ? high : low] = high in values ? `must be at least ${resource.field.get(low)!.label.toLowerCase()}` : `must be at most ${resource.field.get(high)!.label.toLowerCase()}`;
    }
  }
  if (Object.keys(errors).length > 0) {
    const [first] = Object.entries(errors);
    const more = Object.keys(errors).length > 1 ? ` (and ${Object.keys(errors).length - 1} more)` : '';
    throw new AppError('VALIDATION', `${first[0]} ${first[1]}${more}`, errors);
  }
  return values;
}
