import simpleRestProvider from 'ra-data-simple-rest';
import type { DataProvider, Identifier } from 'react-admin';
import { API, httpClient, labelsOnly, listPath, refusedPermission } from './http';
import { toServerFilter } from '../fields/values';
import { featureName } from './features';
import { undoPath, type UndoPreview, type UndoTarget } from '../audit/undo';

/** Reasons typed in forms, waiting for the write they belong to (see ReasonInput). */
export const pendingReason = { value: null as string | null };

const takeReason = () => {
  const reason = pendingReason.value;
  pendingReason.value = null;
  return reason;
};

const base = simpleRestProvider(API, httpClient);

export const SESSION_ENDED_ON_WRITE = 'Your session ended, so this change was NOT saved. Keep this page open, sign in again in a new tab, then save here again.';

/**
 * A write refused because the session ended (logout elsewhere, deactivation, a password change)
 * must not look like a success: react-admin answers an empty success for a request that signed the
 * user out, and the form, with what was typed, would be gone. Marked here, the auth provider lets
 * it through as an ordinary error: the form stays and says the change was not saved.
 */
function write<T>(request: Promise<T>): Promise<T> {
  return request.catch((error) => {
    if (error?.status === 401) Object.assign(error, { sessionEndedOnWrite: true, message: SESSION_ENDED_ON_WRITE, body: { ...error.body, message: SESSION_ENDED_ON_WRITE } });
    throw error;
  });
}

/**
 * ra-data-simple-rest for reads; writes go through the same wire format but carry the change
 * reason header. Extra methods: record history, undo of one event or of a change set.
 */
export const dataProvider = {
  ...base,
  // As simple-rest's getList, plus the server's note that a big list's total is an estimate.
  getList: async (resource, params) => {
    const { page, perPage } = params.pagination ?? { page: 1, perPage: 25 };
    const { field, order } = params.sort ?? { field: 'id', order: 'ASC' };
    const query = new URLSearchParams({
      sort: JSON.stringify([field, order]),
      range: JSON.stringify([(page - 1) * perPage, page * perPage - 1]),
      filter: JSON.stringify(toServerFilter(params.filter)),
    });
    const { headers, json } = await httpClient(`${listPath(resource)}?${query}`, { signal: params.signal });
    const total = Number(headers.get('content-range')?.split('/').pop());
    return { data: json, total, meta: { approximate: headers.get('x-total-approximate') === 'true' } };
  },
  // References to a resource the user may only read labels of are resolved through its labels.
  getMany: (resource, params) =>
    labelsOnly.has(resource)
      ? httpClient(`${listPath(resource)}?${new URLSearchParams({ filter: JSON.stringify({ id: params.ids }), range: JSON.stringify([0, Math.max(0, params.ids.length - 1)]) })}`, { signal: params.signal }).then(({ json }) => ({ data: json }))
      : base.getMany(resource, params),
  create: (resource, params) =>
    write(refusedPermission(httpClient(`${API}/${resource}`, { method: 'POST', body: JSON.stringify(params.data), reason: takeReason() }), `${resource}.create`)).then(({ json }) => ({ data: json })),
  // The whole record as loaded, with the change on top: a PUT says which version it changes (the
  // record's version field), so a partial update (a matrix checkbox) cannot overwrite someone
  // else's change unseen; the server applies only what differs.
  update: (resource, params) =>
    write(refusedPermission(httpClient(`${API}/${resource}/${encodeURIComponent(params.id)}`, { method: 'PUT', body: JSON.stringify({ ...params.previousData, ...params.data }), reason: takeReason() }), `${resource}.edit`)).then(({ json }) => ({ data: json })),
  // A bulk delete is one change set on the server: one undo in the audit trail brings it all back.
  deleteMany: (resource, params) =>
    write(refusedPermission(httpClient(`${API}/${resource}/bulk-delete`, { method: 'POST', body: JSON.stringify({ ids: params.ids }), reason: takeReason() }), `${resource}.delete`)).then(({ json }) => ({ data: json.deleted })),
  delete: (resource, params) =>
    write(refusedPermission(httpClient(`${API}/${resource}/${encodeURIComponent(params.id)}`, { method: 'DELETE', reason: takeReason() }), `${resource}.delete`)).then(({ json }) => ({ data: json })),
  getHistory: (resource: string, id: Identifier) => httpClient(`${API}/${resource}/${encodeURIComponent(id)}/history`).then(({ json }) => json as AuditEvent[]),
  revert: (eventId: Identifier) => httpClient(`${API}/${featureName('audit-trail')}/${eventId}/revert`, { method: 'POST' }).then(({ json }) => json),
  /** CSV import: a preview (checked, rolled back) or the apply (one change set, with a reason). */
  importCsv: (resource: string, body: ImportBody, apply: boolean, reason?: string) =>
    httpClient(`${API}/${resource}/import${apply ? '' : '/preview'}`, { method: 'POST', body: JSON.stringify(body), reason }).then(({ json }) => json as ChangeSetResult),
  /** Bulk edit of selected rows (`ids`) or of every row a filter matches, previewed or applied. */
  bulkUpdate: (resource: string, body: { ids?: Identifier[]; filter?: Record<string, unknown>; data: Record<string, unknown> }, apply: boolean, reason?: string) =>
    httpClient(`${API}/${resource}/bulk-update${apply ? '' : '/preview'}`, { method: 'POST', body: JSON.stringify(body.filter ? { ...body, filter: toServerFilter(body.filter) } : body), reason }).then(({ json }) => json as ChangeSetResult),
  revertChangeSet: (txid: Identifier) => httpClient(`${API}/${featureName('audit-trail')}/revert-change-set/${txid}`, { method: 'POST' }).then(({ json }) => json),
  /** What an undo would do, run and rolled back on the server; then the undo itself. */
  previewUndo: (target: UndoTarget) => httpClient(`${API}/${undoPath(target)}/preview`, { method: 'POST' }).then(({ json }) => json as UndoPreview),
  undo: (target: UndoTarget) => httpClient(`${API}/${undoPath(target)}`, { method: 'POST' }).then(({ json }) => json as { reverted: number[] }),
} satisfies DataProvider;

export type AppDataProvider = typeof dataProvider;

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
  changes: { field: string; before: unknown; after: unknown }[];
  /** For an undo's event: the event or change set it undid (recorded by the server, not read from the reason). */
  undoes?: { event: number | null; change_set: number | null } | null;
}

export interface ImportBody {
  csv: string;
  mode: 'insert' | 'upsert';
  key: string[];
  mapping: Record<string, string | null>;
}

/** What a bulk change does (or would do), row by row: the server's change-set report. */
export interface ChangeSetResult {
  applied: boolean;
  txid: number | null;
  counts: { rows: number; insert: number; update: number; unchanged: number; errors: number };
  columns?: { header: string; field: string | null }[];
  rows: {
    line: number;
    action: 'insert' | 'update' | 'unchanged' | 'error';
    id?: number;
    changes?: { field: string; before: unknown; after: unknown }[];
    record?: Record<string, unknown>;
    errors?: Record<string, string>;
  }[];
}
