import type { DataProvider, GetListParams, Identifier } from 'react-admin';
import { useStore } from 'react-admin';
import { API, httpClient } from '../data/http';
import type { Comparison, RestoreResult, RestoreTarget, Version } from '../../../contract/audit';

/**
 * Time travel in the console. The moment a resource is viewed at is kept per resource in
 * react-admin's store (so the list and a record of it share it, and a list keeps it while paging
 * and sorting); show pages and lists pass it to the data provider as the query's `meta.asOf`, which
 * adds `as_of` to the request (server/audit/as-of.query.ts). No moment: now.
 */
export function useAsOf(resource: string) {
  return useStore<string | null>(`timetravel.${resource}`, null);
}

/** A list page as of a moment: the same request as getList's, with `as_of`. */
async function listAsOf(resource: string, params: GetListParams, asOf: string) {
  const { page, perPage } = params.pagination ?? { page: 1, perPage: 25 };
  const { field, order } = params.sort ?? { field: 'id', order: 'ASC' };
  const query = new URLSearchParams({
    sort: JSON.stringify([field, order]),
    range: JSON.stringify([(page - 1) * perPage, page * perPage - 1]),
    filter: JSON.stringify(params.filter ?? {}),
    as_of: asOf,
  });
  const { headers, json } = await httpClient(`${API}/${resource}?${query}`, { signal: params.signal });
  return { data: json, total: Number(headers.get('content-range')?.split('/').pop()), meta: { approximate: headers.get('x-total-approximate') === 'true' } };
}

/** Adds `as_of` to getList, getManyReference (a show page's related lists) and getOne when the query names a moment (`meta: { asOf }`). */
export function withAsOf<T extends DataProvider>(provider: T): T {
  return {
    ...provider,
    getList: async (resource, params) => {
      const asOf = params.meta?.asOf as string | undefined;
      return asOf ? listAsOf(resource, params, asOf) : provider.getList(resource, params);
    },
    getManyReference: async (resource, params) => {
      const asOf = params.meta?.asOf as string | undefined;
      if (!asOf) return provider.getManyReference(resource, params);
      return listAsOf(resource, { ...params, filter: { ...params.filter, [params.target]: params.id } }, asOf);
    },
    getOne: async (resource, params) => {
      const asOf = params.meta?.asOf as string | undefined;
      if (!asOf) return provider.getOne(resource, params);
      const { json } = await httpClient(`${API}/${resource}/${encodeURIComponent(params.id)}?${new URLSearchParams({ as_of: asOf })}`, { signal: params.signal });
      return { data: json };
    },
  };
}

const path = (resource: string, id: Identifier) => `${API}/${resource}/${encodeURIComponent(id)}`;

export const timeTravel = {
  /** The versions the log holds, and until when older ones are archived (null: none are). */
  versions: (resource: string, id: Identifier) =>
    httpClient(`${path(resource, id)}/versions`).then(({ json, headers }) => ({ versions: json as Version[], archivedUntil: headers.get('x-versions-archived-until') })),
  compare: (resource: string, id: Identifier, from: number, to: number | 'current') =>
    httpClient(`${path(resource, id)}/compare?${new URLSearchParams({ from: String(from), to: String(to) })}`).then(({ json }) => json as Comparison),
  /** A restore names the version by its event or a moment; the current version's ETag is the precondition. */
  restore: async (resource: string, id: Identifier, target: RestoreTarget, reason: string, preview: boolean) => {
    const current = await fetchEtag(resource, id);
    return httpClient(`${path(resource, id)}/restore${preview ? '/preview' : ''}`, {
      method: 'POST',
      body: JSON.stringify(target),
      reason,
      headers: new Headers(current ? { 'If-Match': current } : {}),
    }).then(({ json }) => json as RestoreResult);
  },
};

/** The ETag of the record as it stands (none: it is deleted, and a restore puts it back). */
async function fetchEtag(resource: string, id: Identifier): Promise<string | null> {
  try {
    const { headers } = await httpClient(path(resource, id));
    return headers.get('etag');
  } catch {
    return null;
  }
}

/** The moment as an instant in ms (a date alone: the end of that day, as the server reads it). */
export function momentMs(asOf: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? new Date(`${asOf}T23:59:59.999`).getTime() : new Date(asOf).getTime();
}

/** A moment as people read it (the browser's time zone), from an ISO timestamp or a date. */
export function momentLabel(asOf: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(asOf)) return `the end of ${new Date(`${asOf}T12:00:00`).toLocaleDateString()}`;
  return new Date(asOf).toLocaleString();
}
