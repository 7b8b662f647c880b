import { parse } from 'csv-parse';
import { setImmediate as yieldToOthers } from 'node:timers/promises';
import type { Caller } from '../engine/caller.js';
import type { ResourceEngine } from '../engine/execute.js';
import { canonical } from '../engine/values/equality.js';
import type { FieldMeta, ResourceMeta } from '../engine/metadata/resource-meta.js';
import { cellToValue } from '../engine/types/column-types.js';
import { isPlainObject, validatePayload } from '../engine/validate/validate-payload.js';
import { AppError } from '../errors/app-error.js';
import { changesOf, countRows, report, runChangeSet, type ChangeSetOptions } from './change-set.js';
import type { Applied, FieldErrors, ImportReport, RowReport } from '../../contract/change-set.js';

/** Rows one import may hold: every row is checked and written like a single create or edit. */
const MAX_IMPORT_ROWS = 5_000;
/** Columns a file may have: a table's fields, with room for columns to ignore. */
const MAX_IMPORT_COLUMNS = 200;
/** Cells (rows x columns) one import may hold: the work of reading and checking is per cell. */
const MAX_IMPORT_CELLS = 250_000;
/** Text fed to the parser, and rows read, between two yields to the event loop. */
const SLICE_CHARS = 32 * 1024;
const SLICE_CELLS = 5_000;

interface ImportRequest {
  csv: string;
  /** CSV header -> field name, or null to ignore the column. Headers not named are matched by name. */
  mapping: Record<string, string | null>;
  mode: 'insert' | 'upsert';
  /** Upsert: the fields that identify an existing record (`procedure_code` + `effective_year`). */
  key: string[];
}

/** Checks the shape of an import request (not its rows): anything malformed is a plain 400. */
export function parseImportRequest(body: unknown): ImportRequest {
  if (!isPlainObject(body)) throw new AppError('BAD_REQUEST', 'The body must be a JSON object {csv, mode, key?, mapping?}');
  const { csv, mode = 'insert', key = [], mapping = {} } = body;
  if (typeof csv !== 'string' || csv.trim() === '') throw new AppError('BAD_REQUEST', '"csv" must be the text of a CSV file with a header row');
  if (mode !== 'insert' && mode !== 'upsert') throw new AppError('BAD_REQUEST', '"mode" must be "insert" or "upsert"');
  if (!Array.isArray(key) || !key.every((k) => typeof k === 'string')) throw new AppError('BAD_REQUEST', '"key" must be a list of field names');
  if (mode === 'upsert' && key.length === 0) throw new AppError('BAD_REQUEST', 'An upsert needs a "key": the fields that identify an existing record');
  if (!isPlainObject(mapping) || !Object.values(mapping).every((v) => v === null || typeof v === 'string')) {
    throw new AppError('BAD_REQUEST', '"mapping" must map CSV headers to field names (or null)');
  }
  return { csv, mode, key: key as string[], mapping: mapping as Record<string, string | null> };
}

/** `Procedure code`, `procedure_code` and `PROCEDURE CODE` all name the same field. */
const normal = (s: string) => s.trim().toLowerCase().replace(/[\s-]+/g, '_');

/**
 * The file's records, each with the line it ends on (blank lines and quoted line breaks counted).
 * Parsed in slices with a yield between them, so a large file never holds the event loop; a file
 * wider than MAX_IMPORT_COLUMNS or holding more than MAX_IMPORT_ROWS rows or MAX_IMPORT_CELLS cells
 * is refused as soon as that is known, before any row is checked.
 */
async function readCsv(text: string): Promise<{ record: string[]; info: { lines: number } }[]> {
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true, max_record_size: 1_000_000, info: true });
  const feed = (async () => {
    for (let at = 0; at < text.length && !parser.destroyed; at += SLICE_CHARS) {
      parser.write(text.slice(at, at + SLICE_CHARS));
      await yieldToOthers();
    }
    parser.end();
  })();
  const out: { record: string[]; info: { lines: number } }[] = [];
  let cells = 0;
  try {
    for await (const entry of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const width = entry.record.length;
      if (out.length === 0 && width > MAX_IMPORT_COLUMNS) throw new AppError('PAYLOAD_TOO_LARGE', `An import has at most ${MAX_IMPORT_COLUMNS} columns; this file has ${width}`);
      cells += width;
      if (out.length > MAX_IMPORT_ROWS) throw new AppError('PAYLOAD_TOO_LARGE', `An import holds at most ${MAX_IMPORT_ROWS} rows`);
      if (cells > MAX_IMPORT_CELLS) throw new AppError('PAYLOAD_TOO_LARGE', `An import holds at most ${MAX_IMPORT_CELLS.toLocaleString('en-US')} cells (rows x columns)`);
      out.push({ record: entry.record, info: { lines: entry.info.lines } });
    }
    await feed;
    return out;
  } catch (error) {
    parser.destroy();
    await feed.catch(() => undefined);
    if (error instanceof AppError) throw error;
    const e = error as { code?: string; lines?: number };
    throw new AppError('BAD_REQUEST', `The file is not valid CSV${e.lines ? ` (near line ${e.lines})` : ''}`);
  }
}

/**
 * Which field each column goes to: the request's mapping where it names one, else a field whose
 * name or label matches the header. Only fields the caller may set (and the key fields) qualify.
 */
function mapColumns(resource: ResourceMeta, caller: Caller, headers: string[], request: ImportRequest): (FieldMeta | null)[] {
  const usable = resource.fields.filter((f) => caller.sees(resource, f) && (!f.readOnly || request.key.includes(f.name)));
  const byName = new Map<string, FieldMeta>();
  for (const f of usable) for (const n of [f.name, f.label]) byName.set(normal(n), f);
  const errors: FieldErrors = {};
  for (const [header, target] of Object.entries(request.mapping)) {
    if (!headers.includes(header)) errors[header] = 'is not a column of the file';
    else if (target !== null && !usable.some((f) => f.name === target)) errors[header] = `cannot be read into "${target}": not a field you may set`;
  }
  for (const k of request.key) {
    if (!resource.field.get(k) || !caller.sees(resource, resource.field.get(k)!) || ['json', 'text[]'].includes(resource.field.get(k)!.type)) errors[k] = 'cannot be a key field';
  }
  if (Object.keys(errors).length) throw new AppError('BAD_REQUEST', 'The column mapping does not fit the file', errors);
  const columns = headers.map((h) => (Object.hasOwn(request.mapping, h) ? (request.mapping[h] === null ? null : resource.field.get(request.mapping[h]!)!) : (byName.get(normal(h)) ?? null)));
  const seen = new Set<string>();
  for (const [i, f] of columns.entries()) {
    if (!f) continue;
    if (seen.has(f.name)) throw new AppError('BAD_REQUEST', `Two columns are read into "${f.name}"`, { [headers[i]]: `"${f.name}" is already read from another column` });
    seen.add(f.name);
  }
  const missing = request.key.filter((k) => !seen.has(k));
  if (missing.length) throw new AppError('BAD_REQUEST', `The key field ${missing.join(', ')} is not read from any column`, Object.fromEntries(missing.map((k) => [k, 'no column is mapped to it'])));
  return columns;
}

function fieldErrors(check: () => unknown): FieldErrors {
  try {
    check();
    return {};
  } catch (error) {
    if (error instanceof AppError && error.errors) return error.errors;
    throw error;
  }
}

interface ReadRow {
  line: number;
  /** The write body: mapped cells read into their fields' types. */
  body: Record<string, unknown>;
  /** The key fields' values (upsert). */
  key: Record<string, unknown>;
  /** Problems found before any write (unreadable cells, a missing or repeated key). */
  errors?: FieldErrors;
}

/**
 * One CSV record as a write body, checking what needs no database (cells, keys, repeats). `seen`
 * holds the keys of the lines before: a key repeated in the file is the later line's error.
 */
function readRow(resource: ResourceMeta, caller: Caller, request: ImportRequest, columns: (FieldMeta | null)[], cells: string[], line: number, seen: Map<string, number>): ReadRow {
  const errors: FieldErrors = {};
  const body: Record<string, unknown> = {};
  const key: Record<string, unknown> = {};
  for (const [i, field] of columns.entries()) {
    if (!field) continue;
    const cell = cells[i] ?? '';
    const isKey = request.key.includes(field.name);
    if (cell.trim() === '') {
      if (isKey) errors[field.name] = 'is needed to find the record to update';
      // An empty cell clears a field on update; on create, the column's default applies.
      else if (request.mode === 'upsert') body[field.name] = null;
      continue;
    }
    const parsed = cellToValue(field, cell);
    if (!parsed.ok) errors[field.name] = parsed.why;
    else if (isKey) key[field.name] = parsed.value;
    if (parsed.ok && !field.readOnly) body[field.name] = parsed.value;
  }
  if (request.mode === 'upsert' && Object.keys(errors).length === 0) {
    const signature = canonical(request.key.map((k) => key[k]));
    const earlier = seen.get(signature);
    if (earlier) errors[request.key[0]] = `repeats the key of line ${earlier}`;
    else seen.set(signature, line);
  }
  if (Object.keys(errors).length === 0) return { line, body, key };
  // The cells that did read still get the usual checks, so the row shows all its problems.
  const more = fieldErrors(() => validatePayload(resource, body, request.mode === 'insert' ? 'create' : 'update', caller, null));
  return { line, body, key, errors: { ...more, ...errors } };
}

/**
 * A CSV import: dry run (`apply: false`: every row checked and written, then rolled back) or apply
 * (one transaction, one change set, nothing written unless every row is fine). Each row is a create,
 * or with `upsert` an edit of the record whose key fields equal the row's, through the engine's own
 * validation and write path.
 */
export async function importCsv(engine: ResourceEngine, resource: ResourceMeta, request: ImportRequest, caller: Caller, options: ChangeSetOptions): Promise<ImportReport & Applied> {
  const [head, ...records] = await readCsv(request.csv);
  const headers = head?.record ?? [];
  if (records.length === 0) throw new AppError('BAD_REQUEST', 'The file has a header row but no records');
  const columns = mapColumns(resource, caller, headers, request);
  const seen = new Map<string, number>();
  const parsed: ReadRow[] = [];
  let slice = 0;
  for (const { record, info } of records) {
    parsed.push(readRow(resource, caller, request, columns, record, info.lines, seen));
    slice += columns.length;
    if (slice >= SLICE_CELLS) {
      slice = 0;
      await yieldToOthers();
    }
  }
  return runChangeSet(engine, resource, caller, options, async (tx, step) => {
    // Every row's key is matched in one query, before any row is written: the file's keys are
    // distinct (a repeat is an error), so no row can match another row's insert.
    const matchable = parsed.filter((r) => !r.errors && request.mode === 'upsert');
    const found = matchable.length ? await engine.idsByKeys(tx, resource, request.key, matchable.map((r) => request.key.map((k) => r.key[k])), caller) : [];
    const matches = new Map(matchable.map((r, i) => [r.line, found[i]]));
    const rows: RowReport[] = [];
    for (const { line, body, errors } of parsed) {
      if (errors) {
        report(rows, { line, action: 'error', errors });
        continue;
      }
      const outcome = await step(async () => {
        const ids = matches.get(line) ?? [];
        if (ids.length > 1) throw new AppError('CONFLICT', 'The key matches several records', { [request.key[0]]: `matches several records: the key ${request.key.join(' + ')} is not unique` });
        if (ids.length === 1) {
          const { before, after, changed } = await engine.updateIn(tx, resource, ids[0], body, caller);
          return { line, action: changed.length ? 'update' : 'unchanged', id: ids[0], changes: changesOf(before, after, changed) } satisfies RowReport;
        }
        if (request.key.some((k) => resource.field.get(k)!.readOnly)) throw new AppError('NOT_FOUND', 'No record has this key', { [request.key[0]]: 'matches no record' });
        const record = await engine.insertIn(tx, resource, body, caller);
        return { line, action: 'insert', id: record.id as number, record } satisfies RowReport;
      });
      report(rows, outcome.ok ? outcome.value : { line, action: 'error', errors: outcome.errors });
    }
    const mapped = headers.map((header, i) => ({ header, field: columns[i]?.name ?? null }));
    return { columns: mapped, counts: countRows(rows), rows };
  });
}
