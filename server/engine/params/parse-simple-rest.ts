import { badRequest } from '../../errors/app-error.js';
import { MAX_JSON_DEPTH, parseJsonText } from './json-text.js';

/** A list request as ra-data-simple-rest sends it, parsed but not yet checked against a resource. */
export interface ListQuery {
  filter: Record<string, unknown>;
  sort: { field: string; order: 'ASC' | 'DESC' } | null;
  range: { start: number; end: number } | null;
}

export const MAX_PAGE = 1000;

function single(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badRequest(`"${name}" must be given once`);
  return v;
}

function json(name: string, text: string): unknown {
  const parsed = parseJsonText(text);
  if (!parsed) throw badRequest(`"${name}" is not valid JSON, or nests deeper than ${MAX_JSON_DEPTH} levels`);
  return parsed.value;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses `filter`, `sort` and `range` (all JSON in the query string); touches no database. */
export function parseListQuery(query: Record<string, unknown>): ListQuery {
  const out: ListQuery = { filter: {}, sort: null, range: null };
  const filter = single(query, 'filter');
  if (filter !== undefined) {
    const parsed = json('filter', filter);
    if (!isPlainObject(parsed)) throw badRequest('"filter" must be a JSON object');
    out.filter = parsed;
  }
  const sort = single(query, 'sort');
  if (sort !== undefined) {
    const parsed = json('sort', sort);
    if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string') {
      throw badRequest('"sort" must be ["field", "ASC" | "DESC"]');
    }
    const order = parsed[1].toUpperCase();
    if (order !== 'ASC' && order !== 'DESC') throw badRequest('"sort" order must be ASC or DESC');
    out.sort = { field: parsed[0], order };
  }
  const range = single(query, 'range');
  if (range !== undefined) {
    const parsed = json('range', range);
    if (!Array.isArray(parsed) || parsed.length !== 2 || !parsed.every((n) => Number.isSafeInteger(n))) {
      throw badRequest('"range" must be [start, end] with whole numbers');
    }
    const [start, end] = parsed as [number, number];
    if (start < 0 || end < start) throw badRequest('"range" must satisfy 0 <= start <= end');
    if (end - start + 1 > MAX_PAGE) throw badRequest(`"range" may cover at most ${MAX_PAGE} rows`);
    out.range = { start, end };
  }
  return out;
}

/**
 * Reads that answer the rows as they stand now (exports, figures) refuse `as_of` rather than pass
 * over it: a CSV or a count of today's rows must not be taken for the past it was asked about.
 */
export function refuseAsOf(query: Record<string, unknown>, what: string): void {
  if (query.as_of !== undefined) throw badRequest(`"as_of" is not available for ${what}: they read the rows as they stand now. Open the list as of that moment instead`);
}
