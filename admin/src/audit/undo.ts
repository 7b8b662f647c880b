import { featureName } from '../data/features';
import type { AuditEvent } from '../../../contract/audit';
/** What an undo is about: one event, or a whole change set (one transaction's events). */
export type UndoTarget = { kind: 'event'; id: number } | { kind: 'change-set'; id: number };

/** The route of the undo (POST), and of its preview (`…/preview`). */
export const undoPath = (t: UndoTarget) => `${featureName('audit-trail')}/${t.kind === 'event' ? `${t.id}/revert` : `revert-change-set/${t.id}`}`;

/** Whether `later` is an event of the undo of `event` (its own, or its change set's), by the link the server recorded. */
export const undoes = (later: Pick<AuditEvent, 'undoes'>, event: Pick<AuditEvent, 'id' | 'change_set'>) =>
  !!later.undoes && (later.undoes.event === event.id || (event.change_set !== null && later.undoes.change_set === event.change_set));
