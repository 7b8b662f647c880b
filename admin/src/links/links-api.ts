import type { Identifier } from 'react-admin';
import { API, httpClient } from '../data/http';

/** One link as the form edits it: the linked record's id under the join table's field, and its own fields. */
export type LinkRow = Record<string, unknown>;

interface LinksSaved {
  txid: number | null;
  links: Record<string, { created: number[]; updated: number[]; deleted: number[] }>;
}

/** `PUT /api/<resource>/<id>/links`: the parent's links as they should be, saved as one change set. */
export const saveLinks = (resource: string, id: Identifier, links: Record<string, LinkRow[]>, reason: string | null) =>
  httpClient(`${API}/${resource}/${encodeURIComponent(id)}/links`, { method: 'PUT', body: JSON.stringify(links), reason }).then(({ json }) => json as LinksSaved);
