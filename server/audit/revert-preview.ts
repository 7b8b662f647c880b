import type { Tx } from '../db/unit-of-work.js';
import type { Caller } from '../engine/caller.js';
import type { ResourceEngine } from '../engine/execute.js';
import { AppError, notFound } from '../errors/app-error.js';
import type { AuditRow } from './history.query.js';
import { asNotFound, loadEvents, revertOne, unseen } from './revert.js';
import type { Conflict, RevertResult, UndoPreview, UndoProblem } from '../../contract/audit.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';

const FOREIGN_KEY_VIOLATION = '23503';

/** The preview ends by undoing its own writes: a sentinel carried out of engine.write to roll back. */
class PreviewDone extends Error {
  constructor(readonly preview: UndoPreview) {
    super('undo preview rolled back');
  }
}

function problemOf(event: AuditRow, error: AppError): UndoProblem {
  const base = { event_id: Number(event.id), resource: event.table_name, record_id: event.record_pk?.id ?? null, message: error.message };
  if (error.code === 'CONFLICT') return { ...base, kind: 'conflict', conflicts: (error.details?.conflicts as Conflict[] | undefined) ?? [] };
  const permission = error.details?.permission;
  if (error.code === 'FORBIDDEN' && typeof permission === 'string') return { ...base, kind: 'permission', permission };
  return { ...base, kind: 'refused' };
}

/**
 * Runs the undo of `events` as the real one does (newest first, a step tripping a foreign key
 * retried after the others), but goes on past a refused step so that every problem is reported.
 */
async function tryUndo(engine: ResourceEngine, tx: Tx, events: AuditRow[], caller: Caller): Promise<Pick<UndoPreview, 'changes' | 'problems'>> {
  const changes: UndoPreview['changes'] = [];
  const problems: UndoProblem[] = [];
  let pending = events;
  while (pending.length > 0) {
    const blocked: { event: AuditRow; error: AppError }[] = [];
    for (const event of pending) {
      await tx.query('SAVEPOINT undo_preview_step');
      try {
        changes.push({ event_id: Number(event.id), ...(await revertOne(engine, tx, event, caller, [])) });
        await tx.query('RELEASE SAVEPOINT undo_preview_step');
      } catch (raw) {
        await tx.query('ROLLBACK TO SAVEPOINT undo_preview_step');
        const error = engine.translate(raw);
        // A hidden record is not found, as by the undo itself; anything but a refusal ends the preview.
        if (!(error instanceof AppError) || error.status >= 500 || error.code === 'NOT_FOUND') throw error;
        if (error.sqlState === FOREIGN_KEY_VIOLATION) blocked.push({ event, error });
        else problems.push(problemOf(event, error));
      }
    }
    if (blocked.length === pending.length) {
      problems.push(...blocked.map((b) => problemOf(b.event, b.error)));
      break;
    }
    pending = blocked.map((b) => b.event);
  }
  return { changes, problems };
}

/**
 * The change set that undid this event: an undo linked to it or to its change set (audit_undo)
 * that wrote the event's record.
 */
async function undoneBy(engine: ResourceEngine, event: AuditRow): Promise<UndoPreview['undone_by']> {
  const rows = await engine.query(
    engine.pool,
    `SELECT a.txid, a.occurred_at FROM ${T.undoLinks} r JOIN ${T.auditLog} a ON a.txid = r.undo_txid
      WHERE (r.undone_event = $3 OR r.undone_change_set = $4) AND a.table_name = $1 AND a.record_pk = $2::jsonb AND a.id > $3
      ORDER BY a.id LIMIT 1`,
    [event.table_name, JSON.stringify(event.record_pk), event.id, event.txid],
  );
  return rows[0] ? { change_set: Number(rows[0].txid), occurred_at: new Date(rows[0].occurred_at as string).toISOString() } : null;
}

async function preview(engine: ResourceEngine, all: AuditRow[], caller: Caller, missing: string): Promise<UndoPreview> {
  // Rows of tables the engine does not serve stay undone, as in revertChangeSet.
  const events = all.filter((e) => engine.resources.has(e.table_name));
  const permissions = caller.can('audit.revert') ? [] : ['audit.revert'];
  try {
    await asNotFound(
      () =>
        engine.write(caller, 'undo preview', async (tx) => {
          const { changes, problems } = await tryUndo(engine, tx, events, caller);
          // A preview refuses what the undo would refuse at commit, before its writes are undone.
          if (problems.length === 0) {
            await engine.checkReach(tx, caller).catch((raw: unknown) => {
              const error = engine.translate(raw);
              if (!(error instanceof AppError) || error.status >= 500) throw error;
              problems.push(problemOf(events[0], error));
            });
          }
          for (const p of problems) if (p.permission && !permissions.includes(p.permission)) permissions.push(p.permission);
          const undone = events.length ? await undoneBy(engine, events[0]) : null;
          // Thrown, so that the transaction rolls back: nothing the preview wrote (rows, audit rows) stays.
          throw new PreviewDone({ can_undo: problems.length === 0 && permissions.length === 0 && events.length > 0, events: events.length, changes, problems, missing_permissions: permissions, undone_by: undone });
        }),
      missing,
    );
  } catch (error) {
    if (error instanceof PreviewDone) return error.preview;
    throw error;
  }
  throw new Error('unreachable: the preview always rolls back');
}

export async function previewRevertEvent(engine: ResourceEngine, eventId: number, caller: Caller): Promise<UndoPreview> {
  const [event] = await loadEvents(engine, 'a.id = $1', eventId);
  const missing = `Audit event ${eventId} not found`;
  if (!event || unseen(engine, [event], caller)) throw notFound(missing);
  return preview(engine, [event], caller, missing);
}

export async function previewRevertChangeSet(engine: ResourceEngine, txid: number, caller: Caller): Promise<UndoPreview> {
  const all = await loadEvents(engine, 'a.txid = $1', txid);
  const missing = `Change set ${txid} not found`;
  if (all.length === 0 || unseen(engine, all, caller)) throw notFound(missing);
  return preview(engine, all, caller, missing);
}
