/** One link as the form edits it: the linked record's id under the join table's field, and its own fields. */
export type LinkRow = Record<string, unknown>;

/**
 * Where the record's form keeps its edited links, sent with its fields by the form's own Save:
 * `PUT /api/<resource>/<id>` with `{..., "_links": {<join table>: [...]}}`, one change set for both
 * (server/links/record-links.ts). Only the join tables the user changed are named.
 */
export const LINKS_KEY = '_links';
