import type { Tx } from '../db/unit-of-work.js';
import type { Caller } from '../engine/caller.js';
import type { ResourceEngine } from '../engine/execute.js';
import type { RowEvent } from '../engine/row-events.js';
import { canonical } from '../engine/values/equality.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import { ident } from '../engine/plan/sql.js';
import { AppError, notFound } from '../errors/app-error.js';
import { AUDIT_COLUMNS, AUDIT_FROM, assertReachable, type AuditRow } from './history.query.js';
import { stampedOnUpdate } from '../engine/metadata/stamps.js';
import type { Conflict, RevertResult, UndoChange } from '../../contract/audit.js';
import { assertMaySet } from './write-back.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';
import { visibleFilters } from '../engine/filter/visible-filter.js';

function conflict(message: string, conflicts: Conflict[] = []): AppError {
  const errors = Object.fromEntries(conflicts.map((c) => [c.field, 'changed since this event']));
  return new AppError('CONFLICT', message, conflicts.length ? errors : undefined, { conflicts });
}

export async function loadEvents(engine: ResourceEngine, where: string, value: number): Promise<AuditRow[]> {
  return (await engine.query(engine.pool, `SELECT ${AUDIT_COLUMNS} FROM ${AUDIT_FROM} WHERE ${where} ORDER BY a.id DESC`, [value])) as unknown as AuditRow[];
}

/**
 * A conflict report holds values only of fields the caller may see; a changed field they may not
 * see still blocks the undo, and is counted without its name or values.
 */
function visibleConflict(resource: ResourceMeta, label: string, conflicts: Conflict[], caller: Caller, shownAs: Shown): AppError {
  const shown = conflicts
    .filter((c) => {
      const field = resource.field.get(c.field);
      return !!field && caller.sees(resource, field);
    })
    .map((c) => ({ field: c.field, before: shownAs.before[c.field] ?? null, after: shownAs.after[c.field] ?? null, now: shownAs.now[c.field] ?? null }));
  const hidden = conflicts.length - shown.length;
  const names = [...shown.map((c) => c.field), ...(hidden ? [`${hidden} field${hidden === 1 ? '' : 's'} you cannot see`] : [])];
  return conflict(`${label}: ${names.join(', ')}`, shown);
}

/** The images an undo reports values from, as the caller is shown them (a stored filter cut to the fields they see). */
interface Shown {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  now: Record<string, unknown>;
}

/**
 * Undo exactly one event's delta, checking that the record still holds what the event wrote. Undoing
 * is writing, through the engine's own edit, delete and reference checks: an UPDATE is undone by an
 * edit (field permissions, value rules, write scope before and after, reference scope), an INSERT by
 * a delete; a DELETE by putting the row back, with the same field and reference checks as a create.
 */
export async function revertOne(engine: ResourceEngine, tx: Tx, event: AuditRow, caller: Caller, rows: RowEvent[]): Promise<RevertResult['records'][number]> {
  const resource = engine.resources.get(event.table_name);
  const id = event.record_pk?.id;
  if (!resource || resource.readOnly || typeof id !== 'number') throw new AppError('BAD_REQUEST', `Event ${event.id} cannot be reverted`);
  // The record must be within what the caller may change, not only see.
  await assertReachable(engine, resource, id, event.changed_data ?? event.old_data, caller, 'write');
  const needed = `${resource.name}.${{ UPDATE: 'edit', INSERT: 'delete', DELETE: 'create' }[event.action]}`;
  if (!caller.can(needed)) throw new AppError('FORBIDDEN', `Undoing this event needs the ${needed} permission`, undefined, { permission: needed });
  const table = ident(resource.name);
  const [currentRow] = await engine.query(tx, `SELECT to_jsonb(t) AS j FROM ${table} t WHERE id = $1 FOR UPDATE`, [id]);
  const current = (currentRow?.j ?? null) as Record<string, unknown> | null;
  const before = event.old_data ?? {};
  const after = event.changed_data ?? {};
  const label = `${resource.singular} ${id}`;
  const shownAs = (image: Record<string, unknown> | null) => visibleFilters(engine.resources, resource, image ?? {}, caller);
  const shown: Shown = { before: shownAs(before), after: shownAs(after), now: shownAs(current) };

  if (event.action === 'UPDATE') {
    if (!current) throw conflict(`${label} was deleted after this change; undo the deletion first`);
    const delta = Object.keys(after).filter((k) => !stampedOnUpdate(resource, k) && canonical(after[k]) !== canonical(before[k]));
    const conflicts = delta
      .filter((k) => canonical(current[k]) !== canonical(after[k]))
      .map((k) => ({ field: k, before: before[k] ?? null, after: after[k] ?? null, now: current[k] ?? null }));
    if (conflicts.length) throw visibleConflict(resource, `${label} changed since this event`, conflicts, caller, shown);
    // Server-managed fields are the server's to write: an undo leaves them as they are.
    const writable = delta.filter((k) => !resource.field.get(k)?.readOnly);
    if (writable.length === 0) return { resource: resource.name, id, action: 'unchanged' };
    assertMaySet(resource, writable, caller, current, 'Undoing this event');
    const { changed } = await engine.updateIn(tx, resource, id, Object.fromEntries(writable.map((k) => [k, before[k] ?? null])), caller);
    // What the undo set back, as far as the caller may see it (the preview shows it).
    const changes = writable.filter((k) => caller.sees(resource, resource.field.get(k)!)).map((k) => ({ field: k, now: shown.now[k] ?? null, to: shown.before[k] ?? null }));
    return { resource: resource.name, id, action: changed.length ? 'updated' : 'unchanged', changes };
  }

  if (event.action === 'INSERT') {
    if (!current) throw conflict(`${label} is already deleted`);
    const changed = Object.keys(after)
      .filter((k) => !stampedOnUpdate(resource, k) && canonical(current[k]) !== canonical(after[k]))
      .map((k) => ({ field: k, before: null, after: after[k] ?? null, now: current[k] ?? null }));
    if (changed.length) throw visibleConflict(resource, `${label} changed since it was created`, changed, caller, shown);
    assertMaySet(resource, Object.keys(after), caller, current, 'Undoing this event');
    const { image } = await engine.deleteIn(tx, resource, id, caller);
    rows.push({ resource: resource.name, action: 'deleted', row: image });
    return { resource: resource.name, id, action: 'deleted' };
  }

  if (current) throw conflict(`${label} exists again; nothing to restore`);
  if ((resource.options.secret ?? []).length) throw new AppError('BAD_REQUEST', `${resource.label} hold secrets the log does not keep; they cannot be restored`);
  assertMaySet(resource, Object.keys(before), caller, null, 'Undoing this event');
  await engine.checkReferences(tx, resource, before, caller);
  await engine.query(tx, `INSERT INTO ${table} SELECT * FROM jsonb_populate_record(NULL::${table}, $1::jsonb)`, [JSON.stringify(before)]);
  rows.push({ resource: resource.name, action: 'restored', row: before });
  return { resource: resource.name, id, action: 'restored' };
}

/**
 * Names what this undo undid (audit_undo), in the undo's transaction: whether an event was undone
 * is read from this link, not from the undo's reason (which still says it, for people).
 */
async function linkUndo(engine: ResourceEngine, tx: Tx, undid: { event?: number; changeSet?: number }): Promise<void> {
  await engine.query(tx, `INSERT INTO ${T.undoLinks} (undone_event, undone_change_set) VALUES ($1, $2)`, [undid.event ?? null, undid.changeSet ?? null]);
}

function reasonFor(what: string, reason: string | null | undefined): string {
  return reason ? `${what}: ${reason}` : what;
}

/**
 * Undo starts from what one may see: an event of a table the caller may not show, or of a record
 * out of their reach, is answered as if it did not exist, naming neither its table nor its record.
 */
export function unseen(engine: ResourceEngine, events: AuditRow[], caller: Caller): boolean {
  return events.some((e) => engine.resources.has(e.table_name) && !caller.can(`${e.table_name}.show`));
}

export async function asNotFound<T>(work: () => Promise<T>, message: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof AppError && error.code === 'NOT_FOUND' ? notFound(message) : error;
  }
}

export async function revertEvent(engine: ResourceEngine, eventId: number, caller: Caller, reason?: string | null): Promise<RevertResult> {
  const [event] = await loadEvents(engine, 'a.id = $1', eventId);
  const missing = `Audit event ${eventId} not found`;
  if (!event || unseen(engine, [event], caller)) throw notFound(missing);
  const rows: RowEvent[] = [];
  const result = await asNotFound(
    () =>
      engine.write(caller, reasonFor(`Revert of event #${eventId}`, reason), async (tx) => {
        const records = [await revertOne(engine, tx, event, caller, rows)];
        await linkUndo(engine, tx, { event: eventId });
        return { reverted: [eventId], records };
      }),
    missing,
  );
  await engine.rows.committed(rows);
  return result;
}

const FOREIGN_KEY_VIOLATION = '23503';

/**
 * Undo a whole change set (one transaction's events), newest first, all or nothing. Trigger order
 * is not always dependency order (a cascading delete logs the parent before its children), so a step
 * that trips a foreign key is set aside (to its savepoint) and retried once the others have run.
 */
export async function revertChangeSet(engine: ResourceEngine, txid: number, caller: Caller, reason?: string | null): Promise<RevertResult> {
  const all = await loadEvents(engine, 'a.txid = $1', txid);
  const missing = `Change set ${txid} not found`;
  if (all.length === 0 || unseen(engine, all, caller)) throw notFound(missing);
  // Rows of tables the engine does not serve (a deleted user's credentials) stay undone: an admin
  // sets a new password rather than have the log resurrect one.
  const events = all.filter((e) => engine.resources.has(e.table_name));
  const rows: RowEvent[] = [];
  const result = await asNotFound(() => engine.write(caller, reasonFor(`Revert of change set #${txid}`, reason), async (tx) => {
    const records: RevertResult['records'] = [];
    let pending = events;
    while (pending.length > 0) {
      const blocked: AuditRow[] = [];
      let lastError: unknown;
      for (const event of pending) {
        await tx.query('SAVEPOINT revert_step');
        const stepRows: RowEvent[] = [];
        try {
          records.push(await revertOne(engine, tx, event, caller, stepRows));
          await tx.query('RELEASE SAVEPOINT revert_step');
          rows.push(...stepRows);
        } catch (error) {
          await tx.query('ROLLBACK TO SAVEPOINT revert_step');
          if (!(error instanceof AppError) || error.sqlState !== FOREIGN_KEY_VIOLATION) throw error;
          blocked.push(event);
          lastError = error;
        }
      }
      if (blocked.length === pending.length) throw lastError;
      pending = blocked;
    }
    await linkUndo(engine, tx, { changeSet: txid });
    return { reverted: events.map((e) => Number(e.id)), records };
  }), missing);
  await engine.rows.committed(rows);
  return result;
}
