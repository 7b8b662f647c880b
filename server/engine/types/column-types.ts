import type { FieldMeta } from '../metadata/resource-meta.js';
import * as v from '../values/parse-value.js';
import type { Mode, Parsed } from '../values/parse-value.js';
import { canonical, micros } from '../values/equality.js';
import type { FieldType } from '../../../contract/meta.js';
import type { ColumnType } from './column-type.js';
import { EQUALITY, ORDERING, TEXT_MATCH, type Operator } from '../../../contract/filters.js';

const ok = (value: unknown): Parsed => ({ ok: true, value });
const no = (why: string): Parsed => ({ ok: false, why });

/** The apostrophe the CSV export puts before a formula-like cell (`'=SUM(...)`): read back, it goes. */
const ESCAPED_FORMULA = /^'[=+\-@\t\r]/;

function jsonCell(text: string, why: string): Parsed {
  try {
    return ok(JSON.parse(text));
  } catch {
    return no(why);
  }
}

const wholeCell = (t: string) => (/^-?\d{1,16}$/.test(t) ? ok(Number(t)) : no('must be a whole number'));
/** The conversion of a value answered as node-postgres reads it (`serialize` of most types). */
export const same = (value: unknown) => value;

/**
 * PostgreSQL's `2026-11-25 06:18:53.123456+00` (or jsonb's `...T06:18:53.123456+00:00`) as ISO 8601
 * in UTC, microseconds kept (the lock compares them).
 */
function isoTimestamp(pg: string): string {
  const s = pg.replace(' ', 'T');
  if (s.endsWith('+00')) return s.slice(0, -3) + 'Z';
  if (s.endsWith('+00:00')) return s.slice(0, -6) + 'Z';
  return /[+-]\d\d$/.test(s) ? s + ':00' : s;
}

const whole = (cast: 'integer' | 'smallint' | 'bigint', columns: RegExp): ColumnType => ({
  columns,
  parse: (field, value, mode) => v.integer(field, value, mode),
  cast,
  serialize:
    cast === 'bigint'
      ? (value) => {
          const n = Number(value);
          return Number.isSafeInteger(n) ? n : String(value);
        }
      : same,
  fromCell: wholeCell,
  ordered: true,
  sortable: true,
  textual: false,
  element: null,
  schema: () => ({ type: 'integer' }),
  display: 'number',
  input: 'number',
  groups: null,
  summed: false,
});

/** Dates, times and timestamps: ordered, read from a cell as written, text in JSON. */
function moment(spec: Pick<ColumnType, 'columns' | 'parse' | 'cast' | 'display' | 'input' | 'groups' | 'same'> & { serialize?: ColumnType['serialize']; schema: Record<string, unknown> }): ColumnType {
  const { schema, serialize = same, ...rest } = spec;
  return { ...rest, serialize, fromCell: ok, ordered: true, sortable: true, textual: false, element: null, schema: () => schema, summed: false };
}

export const COLUMN_TYPES = {
  text: {
    columns: /^(text|varchar.*|character.*)$/,
    parse: (field, value) => {
      const r = v.text(value);
      if (r.ok && field.choices && !field.choices.includes(value as string)) return no(`must be one of: ${field.choices.join(', ')}`);
      return r;
    },
    cast: 'text',
    serialize: same,
    fromCell: (_t, cell) => ok(ESCAPED_FORMULA.test(cell) ? cell.slice(1) : cell),
    ordered: true,
    sortable: true,
    textual: true,
    element: null,
    schema: (field) => (field.choices ? { type: 'string', enum: field.choices } : { type: 'string' }),
    display: 'text',
    input: 'text',
    groups: null,
    summed: false,
  },
  'text[]': {
    columns: /^text\[\]$/,
    parse: (_field, value) => v.textArray(value),
    cast: 'text[]',
    serialize: same,
    // The export writes JSON arrays; a hand-made sheet may list plain comma-separated values.
    fromCell: (t) => (t.startsWith('[') ? jsonCell(t, 'must be a JSON list of strings') : ok(t.split(',').map((s) => s.trim()).filter(Boolean))),
    ordered: false,
    sortable: true,
    textual: true,
    element: 'text',
    schema: () => ({ type: 'array', items: { type: 'string' } }),
    display: 'chips',
    input: 'chips',
    groups: null,
    summed: false,
  },
  /** A list of whole numbers (access_log.record_ids): shown and filtered, never written by the API. */
  'bigint[]': {
    columns: /^(bigint|int8)\[\]$/,
    parse: (field, value, mode) => v.integerArray(field, value, mode),
    cast: 'bigint[]',
    // node-postgres reads int8 elements as strings; ids are safe integers.
    serialize: (value) => (Array.isArray(value) ? value.map((e) => Number(e)) : value),
    fromCell: (t) => jsonCell(t, 'must be a JSON list of whole numbers'),
    ordered: false,
    sortable: false,
    textual: false,
    element: 'bigint',
    schema: () => ({ type: 'array', items: { type: 'integer' } }),
    display: 'chips',
    input: 'chips',
    groups: null,
    summed: false,
  },
  json: {
    columns: /^jsonb?$/,
    parse: (_field, value) => v.json(value),
    cast: 'jsonb',
    serialize: same,
    fromCell: (t) => jsonCell(t, 'must be valid JSON'),
    toParam: (value) => (value === null ? null : JSON.stringify(value)),
    ordered: false,
    sortable: false,
    textual: false,
    element: null,
    schema: () => ({}),
    display: 'json',
    input: 'json',
    groups: null,
    summed: false,
  },
  integer: whole('integer', /^(int|integer|serial|int4)$/),
  smallint: whole('smallint', /^(smallint|int2)$/),
  bigint: whole('bigint', /^(bigint|bigserial|int8)$/),
  decimal: {
    columns: /^(numeric|decimal)/,
    parse: (field, value, mode) => v.decimal(field, value, mode),
    cast: 'numeric',
    serialize: (value) => Number(value),
    fromCell: (t) => (/^-?\d{1,20}(\.\d{1,20})?$/.test(t) ? ok(Number(t)) : no('must be a number')),
    ordered: true,
    sortable: true,
    textual: false,
    element: null,
    schema: (field) => ({ type: 'number', ...(field.scale !== null ? { multipleOf: 10 ** -field.scale } : {}) }),
    display: 'number',
    input: 'decimal',
    groups: null,
    summed: true,
  },
  boolean: {
    columns: /^(boolean|bool)$/,
    parse: (_field, value, mode) => v.boolean(value, mode),
    cast: 'boolean',
    serialize: same,
    fromCell: (t) => {
      const lower = t.toLowerCase();
      return lower === 'true' || lower === 'false' ? ok(lower === 'true') : no('must be true or false');
    },
    ordered: false,
    sortable: true,
    textual: false,
    element: null,
    schema: () => ({ type: 'boolean' }),
    display: 'yes-no',
    input: 'yes-no',
    groups: 'values',
    summed: false,
  },
  date: moment({ columns: /^date$/, parse: (_field, value) => v.date(value), cast: 'date', schema: { type: 'string', format: 'date' }, display: 'date', input: 'date', groups: 'calendar' }),
  time: moment({ columns: /^time(?!stamp)/, parse: (_field, value) => v.time(value), cast: 'time', schema: { type: 'string', pattern: '^\\d{2}:\\d{2}(:\\d{2})?$' }, display: 'time', input: 'time', groups: null }),
  timestamp: moment({
    columns: /^timestamp/,
    parse: (_field, value, mode) => v.timestamp(value, mode),
    cast: 'timestamptz',
    serialize: (value) => (typeof value === 'string' ? isoTimestamp(value) : value),
    schema: { type: 'string', format: 'date-time' },
    display: 'date-time',
    input: 'date-time',
    groups: 'calendar',
    same: (a, b) => typeof a === 'string' && typeof b === 'string' && micros(a) === micros(b),
  }),
} satisfies Record<FieldType, ColumnType>;

/** Column types declared beyond the built-in ones (a deployment's own kind of column). */
const declared = new Map<string, ColumnType>();

/**
 * Adds a column type: one descriptor, naming the console display and input it uses, is all the
 * engine, the CSV reader, OpenAPI and the console need. Declared before the server starts.
 */
export function declareColumnType(name: string, type: ColumnType): void {
  if (name in COLUMN_TYPES || declared.has(name)) throw new Error(`column type ${name} is declared twice`);
  declared.set(name, type);
}

/** A field's descriptor (its type was resolved at boot, so it exists). */
export function columnType(name: string): ColumnType {
  return (COLUMN_TYPES as Record<string, ColumnType>)[name] ?? declared.get(name)!;
}

const descriptor = (field: Pick<FieldMeta, 'type'>): ColumnType => columnType(field.type);

/** The kind of a declared PostgreSQL column type (declared types first); an unknown one stops the server at boot. */
export function fieldTypeOf(columnType: string): string {
  const t = columnType.toLowerCase();
  for (const [name, type] of [...declared, ...Object.entries(COLUMN_TYPES)]) if (type.columns.test(t)) return name;
  throw new Error(`unsupported column type "${columnType}"`);
}

/** Parses a single (scalar or array) value for a field; null is handled by the caller. */
export function parseValue(field: FieldMeta, value: unknown, mode: Mode): Parsed {
  return descriptor(field).parse(field, value, mode);
}

export function sqlCast(field: Pick<FieldMeta, 'type'>): string {
  return descriptor(field).cast;
}

export function serializeValue(field: Pick<FieldMeta, 'type'>, value: unknown): unknown {
  return value === null || value === undefined ? null : valueSerializer(field)(value);
}

/** The field's conversion for non-null values (`serializeValue` without the lookup, for many rows). */
export function valueSerializer(field: Pick<FieldMeta, 'type'>): (value: unknown) => unknown {
  return descriptor(field).serialize;
}

export function toParam(field: FieldMeta, value: unknown): unknown {
  const convert = descriptor(field).toParam;
  return convert ? convert(value) : value;
}

/**
 * A CSV cell (always text) as the JSON value a write takes, reading back what the CSV export writes
 * and what spreadsheets save: numbers as digits, booleans as true/false (any case), lists and JSON
 * as JSON text. The value then goes through the same strict validation as any API write, so this
 * only undoes CSV's loss of types; it never guesses (`1,5` is not a number). Empty cells are the
 * caller's business (null or absent).
 */
export function cellToValue(field: FieldMeta, cell: string): Parsed {
  return descriptor(field).fromCell(cell.trim(), cell);
}

export function schemaOf(field: FieldMeta): Record<string, unknown> {
  return descriptor(field).schema(field);
}

/** Filter suffixes a field takes (besides equality, which every field takes). */
export function operatorsOf(field: FieldMeta): Operator[] {
  if (field.cutPerCaller) return ['null'];
  const type = descriptor(field);
  return [...EQUALITY, ...(type.ordered ? ORDERING : []), ...(type.textual ? TEXT_MATCH : [])];
}

export const isOrdered = (field: FieldMeta) => descriptor(field).ordered;
export const groupsBy = (field: FieldMeta) => descriptor(field).groups;
export const isSummed = (field: FieldMeta) => descriptor(field).summed;
/** Whether two values of a field are the same value (a timestamp in another spelling is). */
export const sameValue = (field: FieldMeta, a: unknown, b: unknown): boolean => descriptor(field).same?.(a, b) || canonical(a) === canonical(b);
export const isTextual = (field: FieldMeta) => descriptor(field).textual;
export const elementOf = (field: FieldMeta) => descriptor(field).element;
