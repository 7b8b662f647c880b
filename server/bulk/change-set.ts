import type { Tx } from '../db/unit-of-work.js';
import type { Caller } from '../engine/caller.js';
import type { ResourceEngine } from '../engine/execute.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import { AppError } from '../errors/app-error.js';
import type { Applied, ChangeSetReport, FieldErrors, RowReport } from '../../contract/change-set.js';

/** Whether to write the change set (else preview it and roll back), and the reason it is recorded with. */
export interface ChangeSetOptions {
  apply: boolean;
  reason: string | null;
}

/** Errors not about one field (a missing record, a lock) are reported under this key. */
const RECORD = '_record';

/** Rows of a report given in full (the record, each field's change); the rest say only what they do. */
const REPORT_DETAIL_ROWS = 200;

/**
 * Adds a row to a report, keeping its memory bounded however many rows a change set has: past the
 * first REPORT_DETAIL_ROWS rows, a row keeps its line, action, id and errors, not its record or diff.
 */
export function report(rows: RowReport[], row: RowReport): void {
  if (rows.length >= REPORT_DETAIL_ROWS && row.action !== 'error') {
    delete row.record;
    delete row.changes;
  }
  rows.push(row);
}

export type Step = <T>(work: () => Promise<T>) => Promise<{ ok: true; value: T } | { ok: false; errors: FieldErrors }>;

export function countRows(rows: RowReport[]): ChangeSetReport['counts'] {
  const counts = { rows: rows.length, insert: 0, update: 0, unchanged: 0, errors: 0 };
  for (const r of rows) counts[r.action === 'error' ? 'errors' : r.action]++;
  return counts;
}

/** The rows an update changed, field by field (server stamps left out: they change every time). */
export function changesOf(before: Record<string, unknown>, after: Record<string, unknown>, changed: string[]): RowReport['changes'] {
  // `before` and `after` are rows as the caller may see them: a field they may not see (a copied
  // sensitive value) changed too, but is not theirs to read, not even by name.
  return changed.filter((field) => field in after || field in before).map((field) => ({ field, before: before[field] ?? null, after: after[field] ?? null }));
}

/**
 * Many row writes as one change set: one transaction (so one txid in the audit log, undone by
 * POST /api/audit_log/revert-change-set/<txid>), each row in its own savepoint so that a bad row is
 * reported by field instead of ending the run. A preview runs exactly the same writes, with every
 * check the database makes, and then rolls them back; an apply commits only if no row failed.
 */
export async function runChangeSet<R extends ChangeSetReport>(
  engine: ResourceEngine,
  resource: ResourceMeta,
  caller: Caller,
  options: ChangeSetOptions,
  work: (tx: Tx, step: Step) => Promise<R>,
): Promise<R & Applied> {
  if (options.apply && !options.reason) throw new AppError('BAD_REQUEST', 'A bulk change needs a reason (X-Change-Reason)');
  const result = await engine.write(caller, options.reason, async (tx) => {
    await tx.query('SAVEPOINT change_set');
    const report = await work(tx, stepIn(engine, tx));
    if (!options.apply) {
      // A preview refuses what the apply would refuse at commit, before its writes are undone.
      if (report.counts.errors === 0) await engine.checkReach(tx, caller);
      await tx.query('ROLLBACK TO SAVEPOINT change_set');
      return { ...report, applied: false, txid: null };
    }
    if (report.counts.errors > 0) {
      const n = report.counts.errors;
      throw new AppError('VALIDATION', `${n} ${n === 1 ? 'row has' : 'rows have'} errors: nothing was written`, undefined, { ...report, applied: false, txid: null } as unknown as Record<string, unknown>);
    }
    const written = report.counts.insert + report.counts.update > 0;
    return { ...report, applied: true, txid: written ? await engine.txid(tx) : null };
  });
  return result;
}

function stepIn(engine: ResourceEngine, tx: Tx): Step {
  let taken = false;
  return async (work) => {
    // One round trip a row, not two: the previous row's savepoint is released as this one is taken
    // (after a rollback to it, it is still there). The last one ends with the transaction.
    await tx.query(taken ? 'RELEASE SAVEPOINT change_set_row; SAVEPOINT change_set_row' : 'SAVEPOINT change_set_row');
    taken = true;
    try {
      return { ok: true, value: await work() };
    } catch (error) {
      await tx.query('ROLLBACK TO SAVEPOINT change_set_row');
      const e = engine.translate(error);
      // A refusal belongs to its row; anything else (the database went away) ends the whole run.
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      return { ok: false, errors: e.errors && Object.keys(e.errors).length ? { ...e.errors } : { [RECORD]: e.message } };
    }
  };
}
