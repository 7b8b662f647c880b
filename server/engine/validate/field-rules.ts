import type { FieldMeta } from '../metadata/resource-meta.js';

// Deliberately loose: one @, something on each side, a dot in the domain. Whether the mailbox
// exists is for the mail server to say; this catches "not-an-email" typed into the wrong field.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const today = () => new Date().toISOString().slice(0, 10);

/** Why a parsed value breaks its field's declared rule, or null. */
export function ruleBroken(field: FieldMeta, value: unknown): string | null {
  const rule = field.rule;
  if (!rule || value === null || value === undefined) return null;
  if (typeof value === 'number' || (field.type === 'decimal' && typeof value === 'string')) {
    const n = Number(value);
    if (rule.min !== undefined && n < rule.min) return `must be at least ${rule.min}`;
    if (rule.max !== undefined && n > rule.max) return `must be at most ${rule.max}`;
  }
  if (typeof value === 'string') {
    if (rule.maxLength !== undefined && value.length > rule.maxLength) return `must be at most ${rule.maxLength} characters`;
    if (rule.format === 'email' && !EMAIL.test(value)) return 'must be an email address';
    if (rule.notFuture && field.type === 'date' && value > today()) return 'cannot be in the future';
  }
  if (rule.distinct && Array.isArray(value) && new Set(value).size !== value.length) return 'must not repeat a value';
  return null;
}

/** Compares two values of one kind of field: numbers by value, dates and times as ISO text. */
export function exceeds(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  return typeof a === 'number' || typeof b === 'number' ? Number(a) > Number(b) : String(a) > String(b);
}
