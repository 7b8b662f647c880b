import simpleRestProvider from 'ra-data-simple-rest';
import type { DataProvider, Identifier } from 'react-admin';
import { API, httpClient } from './http';

/** Reasons typed in forms, waiting for the write they belong to (see ReasonInput). */
export const pendingReason = { value: null as string | null };

const takeReason = () => {
  const reason = pendingReason.value;
  pendingReason.value = null;
  return reason;
};

const base = simpleRestProvider(API, httpClient);

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
      filter: JSON.stringify(params.filter ?? {}),
    });
    const { headers, json } = await httpClient(`${API}/${resource}?${query}`, { signal: params.signal });
    const total = Number(headers.get('content-range')?.split('/').pop());
    return { data: json, total, meta: { approximate: headers.get('x-total-approximate') === 'true' } };
  },
  create: (resource, params) =>
    httpClient(`${API}/${resource}`, { method: 'POST', body: JSON.stringify(params.data), reason: takeReason() }).then(({ json }) => ({ data: json })),
  update: (resource, params) =>
    httpClient(`${API}/${resource}/${encodeURIComponent(params.id)}`, { method: 'PUT', body: JSON.stringify(params.data), reason: takeReason() }).then(({ json }) => ({ data: json })),
  delete: (resource, params) =>
    httpClient(`${API}/${resource}/${encodeURIComponent(params.id)}`, { method: 'DELETE', reason: takeReason() }).then(({ json }) => ({ data: json })),
  getHistory: (resource: string, id: Identifier) => httpClient(`${API}/${resource}/${encodeURIComponent(id)}/history`).then(({ json }) => json as AuditEvent[]),
  revert: (eventId: Identifier) => httpClient(`${API}/audit_log/${eventId}/revert`, { method: 'POST' }).then(({ json }) => json),
  revertChangeSet: (txid: Identifier) => httpClient(`${API}/audit_log/revert-change-set/${txid}`, { method: 'POST' }).then(({ json }) => json),
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
}
