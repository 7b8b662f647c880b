/**
 * The wire contract of bulk changes (imports, bulk edits): what a change set does or would do, row
 * by row, as the server reports it and the console shows it (types only: nothing here runs).
 */
import type { FieldChange } from './audit.js';

/** Field name (or `_record`, for errors not about one field) to message. */
export type FieldErrors = Record<string, string>;

/** What one row of a bulk change does (or would do). */
export interface RowReport {
  /** The CSV line (imports) or the row's position in the selection (bulk edits). */
  line: number;
  action: 'insert' | 'update' | 'unchanged' | 'error';
  id?: number;
  /** For an update: each changed field, before -> after. */
  changes?: FieldChange[];
  /** For an insert: the record as it would be stored. */
  record?: Record<string, unknown>;
  errors?: FieldErrors;
}

export interface ChangeSetReport {
  counts: { rows: number; insert: number; update: number; unchanged: number; errors: number };
  rows: RowReport[];
}

export interface ImportReport extends ChangeSetReport {
  /** Each CSV column and the field it was read into (null: ignored). */
  columns: { header: string; field: string | null }[];
}

/** Whether a change set was applied, and its transaction (its number once applied, null for a preview). */
export interface Applied {
  applied: boolean;
  txid: number | null;
}

/** A preview or an applied change set as the bulk routes answer it (`columns`: imports only). */
export type ChangeSetResult = ChangeSetReport & Applied & Partial<Pick<ImportReport, 'columns'>>;
