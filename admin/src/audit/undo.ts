import type { AuditEvent } from '../data/data-provider';
import { featureName } from '../data/features';
/** What an undo is about: one event, or a whole change set (one transaction's events). */
export type UndoTarget = { kind: 'event'; id: number } | { kind: 'change-set'; id: number };

/** The route of the undo (POST), and of its preview (`…/preview`). */
export const undoPath = (t: UndoTarget) => `${featureName('audit-trail')}/${t.kind === 'event' ? `${t.id}/revert` : `revert-change-set/${t.id}`}`;

export interface UndoConflict {
  field: string;
  before: unknown;
  after: unknown;
  now: unknown;
}

/** The server's preview (server/audit/revert-preview.ts): the undo run and rolled back. */
export interface UndoPreview {
  can_undo: boolean;
  events: number;
  changes: { event_id: number; resource: string; id: number; action: 'updated' | 'deleted' | 'restored' | 'unchanged'; changes?: { field: string; now: unknown; to: unknown }[] }[];
  problems: { event_id: number; resource: string; record_id: number | null; kind: 'conflict' | 'permission' | 'refused'; message: string; conflicts?: UndoConflict[]; permission?: string }[];
  missing_permissions: string[];
  undone_by: { change_set: number; occurred_at: string } | null;
}

/** Whether `later` is an event of the undo of `event` (its own, or its change set's), by the link the server recorded. */
export const undoes = (later: Pick<AuditEvent, 'undoes'>, event: Pick<AuditEvent, 'id' | 'change_set'>) =>
  !!later.undoes && (later.undoes.event === event.id || (event.change_set !== null && later.undoes.change_set === event.change_set));
