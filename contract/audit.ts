/**
 * The audit trail's wire contract: history, versions, comparisons, undo and restore, as the server
 * answers them and the console reads them (types only: nothing here runs).
 */

/** One field an event changed, before and after (values as the API serializes them). */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** One event of a record's history or of the audit trail, with the fields the caller may see. */
export interface AuditEvent {
  id: number;
  resource: string;
  record_id: number | null;
  action: 'INSERT' | 'UPDATE' | 'DELETE';
  user_id: number | null;
  user_name: string | null;
  occurred_at: string;
  change_set: number | null;
  reason: string | null;
  /** For an undo's event: the event or change set it undid (recorded by the server, not read from the reason). */
  undoes: { event: number | null; change_set: number | null } | null;
  changes: FieldChange[];
}

/** One version of a record: the state an event left it in (null: the event deleted it). */
export interface Version extends AuditEvent {
  /** The moment to read this version back with `?as_of=` (the event's time). */
  as_of: string;
  /** Whether the record existed after the event. */
  exists: boolean;
}

/** The version an event produced: the moment that reads it back, and where (null: the event deleted the record). */
export interface VersionLink {
  as_of: string | null;
  /** `GET` this for the record as the event left it. */
  record: string | null;
  /** `GET` this for that version beside the record as it stands. */
  compare: string;
}

/** One side of a comparison: a version (its event) or the record as it stands (`event` null). */
export interface Side {
  event: number | null;
  occurred_at: string | null;
  user_name: string | null;
  reason: string | null;
  /** The record in that version, or null when it did not exist (deleted). */
  record: Record<string, unknown> | null;
}

export interface Comparison {
  from: Side;
  to: Side;
  /** Every visible field whose value differs between the two, in the resource's field order. */
  changes: { field: string; from: unknown; to: unknown }[];
  /** Fields compared (every field the caller sees). */
  fields: string[];
}

/** The version a restore writes back: the state an event left, or the record as of a moment. */
export type RestoreTarget = { event: number } | { as_of: string };

export interface RestoreResult {
  /** `updated`: fields written back; `restored`: a deleted record put back with its id; `unchanged`: it already holds that version. */
  action: 'updated' | 'restored' | 'unchanged';
  /** Every visible field the restore changes (or would change), before and after. */
  changes: FieldChange[];
  /** The record after the restore (as it would be, for a preview). */
  record: Record<string, unknown>;
  /** False for a preview: its writes were rolled back. */
  applied: boolean;
}

/** A field changed since the event an undo is about: what the event did, and what it holds now. */
export interface Conflict extends FieldChange {
  now: unknown;
}

/** A field an undo sets back: from what the record holds now to what it held before the event. */
export interface UndoChange {
  field: string;
  now: unknown;
  to: unknown;
}

/** What an undo did (or would do) to one record. */
export interface UndoneRecord {
  resource: string;
  id: number;
  action: 'updated' | 'deleted' | 'restored' | 'unchanged';
  changes?: UndoChange[];
}

export interface RevertResult {
  reverted: number[];
  records: UndoneRecord[];
}

/** What stands in the way of undoing one event. */
export interface UndoProblem {
  event_id: number;
  resource: string;
  record_id: number | null;
  kind: 'conflict' | 'permission' | 'refused';
  message: string;
  /** For a conflict: the fields changed since, as far as the caller may see them. */
  conflicts?: Conflict[];
  /** For a missing permission: which one. */
  permission?: string;
}

/**
 * The answer of an undo preview: the undo was run and rolled back. `changes` says what it would do
 * to each record, `problems` what would refuse it; `can_undo` only when nothing would. An event
 * already undone names the change set that undid it (`undone_by`).
 */
export interface UndoPreview {
  can_undo: boolean;
  events: number;
  changes: (UndoneRecord & { event_id: number })[];
  problems: UndoProblem[];
  missing_permissions: string[];
  undone_by: { change_set: number; occurred_at: string } | null;
}
