import type { FieldMeta } from '../metadata/resource-meta.js';
import type { Mode, Parsed } from '../values/parse-value.js';
import type { Display, Input } from '../../../contract/meta.js';

/**
 * One descriptor per column type: everything the engine, the CSV reader, the API description and
 * the console need to know about a kind of column, in one place. `COLUMN_TYPES` is typed against
 * `ColumnType` for every `FieldType` of the wire contract, so a new type that leaves a part out, or
 * a type without a descriptor, does not compile.
 */
export interface ColumnType {
  /** PostgreSQL column types (as declared on the entity) of this kind. */
  columns: RegExp;
  /** A JSON value as the column takes it (writes), or a filter value (URLs: `"7"` for 7). */
  parse(field: FieldMeta, value: unknown, mode: Mode): Parsed;
  /** The SQL type a parameter is cast to, so PostgreSQL never guesses. */
  cast: string;
  /** A value as node-postgres reads it, as the API answers it. */
  serialize(value: unknown): unknown;
  /** A CSV cell (trimmed, and as written) as the JSON value a write takes; never guesses. */
  fromCell(trimmed: string, cell: string): Parsed;
  /** A value as a query parameter (node-postgres sends JS arrays as arrays; jsonb goes as text). */
  toParam?(value: unknown): unknown;
  /** Compared with `_gte _lte _gt _lt`. */
  ordered: boolean;
  /** A list may be sorted by it (PostgreSQL orders booleans and text lists too, not JSON or id lists). */
  sortable: boolean;
  /** Searched by `q` and `_like` (text). */
  textual: boolean;
  /** For a list column: the element's type (a single filter value means "contains"). */
  element: 'text' | 'bigint' | null;
  /** Its JSON Schema in the OpenAPI description. */
  schema(field: FieldMeta): Record<string, unknown>;
  /** How the console draws it and which input edits it (a declaration may refine: money, a year). */
  display: Display;
  input: Input;
  /** Figures (`/aggregate`) group by it by default: each value (`values`), by day or month (`calendar`), or not (null). */
  groups: 'values' | 'calendar' | null;
  /** Figures sum it by default (unless the resource declares what to sum). */
  summed: boolean;
  /** Whether two values are the same value (a timestamp in another spelling is); canonical JSON if left out. */
  same?(a: unknown, b: unknown): boolean;
}
