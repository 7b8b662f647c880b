import type { FieldMeta } from '../metadata/resource-meta.js';
import type { Parsed } from './parse-value.js';

const ok = (value: unknown): Parsed => ({ ok: true, value });
const no = (why: string): Parsed => ({ ok: false, why });

/** The apostrophe the CSV export puts before a formula-like cell (`'=SUM(...)`): read back, it goes. */
const ESCAPED_FORMULA = /^'[=+\-@\t\r]/;

/**
 * A CSV cell (always text) as the JSON value a write takes, reading back what the CSV export writes
 * and what spreadsheets save: numbers as digits, booleans as true/false (any case), lists and JSON
 * as JSON text. The value then goes through the same strict validation as any API write, so this
 * only undoes CSV's loss of types; it never guesses (`1,5` is not a number). Empty cells are the
 * caller's business (null or absent).
 */
export function cellToValue(field: FieldMeta, cell: string): Parsed {
  const trimmed = cell.trim();
  switch (field.type) {
    case 'text':
      return ok(ESCAPED_FORMULA.test(cell) ? cell.slice(1) : cell);
    case 'integer':
    case 'smallint':
    case 'bigint':
      return /^-?\d{1,16}$/.test(trimmed) ? ok(Number(trimmed)) : no('must be a whole number');
    case 'decimal':
      return /^-?\d{1,20}(\.\d{1,20})?$/.test(trimmed) ? ok(Number(trimmed)) : no('must be a number');
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      return lower === 'true' || lower === 'false' ? ok(lower === 'true') : no('must be true or false');
    }
    case 'text[]':
      // The export writes JSON arrays; a hand-made sheet may list plain comma-separated values.
      if (trimmed.startsWith('[')) return json(trimmed, 'must be a JSON list of strings');
      return ok(trimmed.split(',').map((s) => s.trim()).filter(Boolean));
    case 'bigint[]':
      return json(trimmed, 'must be a JSON list of whole numbers');
    case 'json':
      return json(trimmed, 'must be valid JSON');
    default:
      return ok(trimmed);
  }
}

function json(text: string, why: string): Parsed {
  try {
    return ok(JSON.parse(text));
  } catch {
    return no(why);
  }
}
