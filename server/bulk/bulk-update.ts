import type { Caller } from '../engine/caller.js';
import type { ResourceEngine } from '../engine/execute.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import { parseListQuery } from '../engine/params/parse-simple-rest.js';
import { isPlainObject, validatePayload } from '../engine/validate/validate-payload.js';
import { AppError } from '../errors/app-error.js';
import { changesOf, countRows, report, runChangeSet, type ChangeSetOptions } from './change-set.js';
import type { Applied, ChangeSetReport, RowReport } from '../../contract/change-set.js';

/** Rows one bulk edit may change: each is locked, checked and written like a single edit. */
const MAX_BULK_ROWS = 5_000;

interface BulkUpdateRequest {
  /** The selected rows... */
  ids?: number[];
  /** ...or every row the list filter matches (within the caller's scope). */
  filter?: Record<string, unknown>;
  /** The fields to set, as a PUT body carries them. */
  data: Record<string, unknown>;
}

/** A selection of records: a non-empty list of ids (repeats dropped), at most MAX_BULK_ROWS. */
export function parseIds(ids: unknown): number[] {
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => Number.isSafeInteger(id) && id > 0)) {
    throw new AppError('BAD_REQUEST', '"ids" must be a non-empty list of record ids');
  }
  if (ids.length > MAX_BULK_ROWS) throw new AppError('PAYLOAD_TOO_LARGE', `At most ${MAX_BULK_ROWS} records at once`);
  return [...new Set(ids as number[])];
}

export function parseBulkUpdateRequest(body: unknown): BulkUpdateRequest {
  if (!isPlainObject(body)) throw new AppError('BAD_REQUEST', 'The body must be a JSON object {ids | filter, data}');
  const { ids, filter, data } = body;
  if ((ids === undefined) === (filter === undefined)) throw new AppError('BAD_REQUEST', 'Name the rows by "ids" or by "filter" (one of them)');
  const selected = ids === undefined ? undefined : parseIds(ids);
  if (filter !== undefined && !isPlainObject(filter)) throw new AppError('BAD_REQUEST', '"filter" must be a list filter object');
  if (!isPlainObject(data) || Object.keys(data).length === 0) throw new AppError('BAD_REQUEST', '"data" must set at least one field');
  return { ids: selected, filter: filter as Record<string, unknown> | undefined, data };
}

/**
 * Sets the same fields on many rows as one change set. Each row goes through the engine's edit
 * (row lock, write scope, field rules, references), so a bulk edit refuses exactly what the same
 * edit of one record would; a preview reports the count and each row's diff or errors.
 */
export async function bulkUpdate(engine: ResourceEngine, resource: ResourceMeta, request: BulkUpdateRequest, caller: Caller, options: ChangeSetOptions): Promise<ChangeSetReport & Applied> {
  // The fields themselves are checked once, up front: a typo is one clear 400, not N row errors.
  validatePayload(resource, request.data, 'update', caller, null);
  const ids = request.ids ?? await engine.matchingIds(resource, parseListQuery({ filter: JSON.stringify(request.filter) }), caller, MAX_BULK_ROWS);
  if (ids.length > MAX_BULK_ROWS) throw new AppError('PAYLOAD_TOO_LARGE', `A bulk edit changes at most ${MAX_BULK_ROWS} rows; narrow the filter`);
  if (ids.length === 0) throw new AppError('BAD_REQUEST', 'No rows match: nothing to edit');
  return runChangeSet(engine, resource, caller, options, async (tx, step) => {
    const rows: RowReport[] = [];
    for (const [index, id] of ids.entries()) {
      const outcome = await step(() => engine.updateIn(tx, resource, id, request.data, caller));
      if (!outcome.ok) report(rows, { line: index + 1, id, action: 'error', errors: outcome.errors });
      else {
        const { before, after, changed } = outcome.value;
        report(rows, { line: index + 1, id, action: changed.length ? 'update' : 'unchanged', changes: changesOf(before, after, changed) });
      }
    }
    return { counts: countRows(rows), rows };
  });
}
