import { featureName } from '../data/features';
import type { UndoPreview } from '../../../contract/audit';
/** What an undo is about: one event, or a whole change set (one transaction's events). */
export type UndoTarget = { kind: 'event'; id: number } | { kind: 'change-set'; id: number };

/** The route of the undo (POST), and of its preview (`…/preview`). */
export const undoPath = (t: UndoTarget) => `${featureName('audit-trail')}/${t.kind === 'event' ? `${t.id}/revert` : `revert-change-set/${t.id}`}`;

/** Marks the undo writes in their reason (server/audit/revert.ts): what they undid. */
const undoneMarks = (eventId: number, changeSet: number | null) => [`Revert of event #${eventId}`, ...(changeSet ? [`Revert of change set #${changeSet}`] : [])];

/** Whether a reason says its write undid this event (or its change set). */
export const undoes = (reason: string | null | undefined, eventId: number, changeSet: number | null) =>
  !!reason && undoneMarks(eventId, changeSet).some((m) => reason === m || reason.startsWith(`${m}: `));
