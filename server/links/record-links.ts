import type { Tx } from '../db/unit-of-work.js';
import type { Caller } from '../engine/caller.js';
import type { ResourceEngine } from '../engine/execute.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import type { RowEvent } from '../engine/row-events.js';
import { isPlainObject } from '../engine/validate/validate-payload.js';
import { AppError } from '../errors/app-error.js';
import { parseLinksRequest, replaceLinksIn } from './replace-links.js';

/**
 * The key under which a record's PUT carries its links, in the links route's shape
 * (`{"_links": {<join table>: [{<item field>: id, ...}]}}`). Underscored, so that it can never be
 * a field's name: the rest of the body is the record's fields, validated as any edit.
 */
export const LINKS_KEY = '_links';

/** A record's edit split into its fields and the work of its links, to run in the edit's own transaction. */
export interface RecordEdit {
  fields: unknown;
  within?: (tx: Tx) => Promise<void>;
  /** Tells what the links' deletes removed, once the edit has committed. */
  committed: () => Promise<void>;
}

/**
 * One save of a record's form, its fields and its linked records together: one transaction, so one
 * change set that one undo reverts, under the record's optimistic lock (the links are written after
 * the version is checked). Each link is the join table's own create, edit or delete, with that
 * table's permissions and scope, as on the links route; any refusal rolls back the fields too.
 */
export function recordEdit(engine: ResourceEngine, parent: ResourceMeta, id: number, body: unknown, caller: Caller): RecordEdit {
  const gone: RowEvent[] = [];
  const committed = () => engine.rows.committed(gone);
  if (!isPlainObject(body) || !(LINKS_KEY in body)) return { fields: body, committed };
  const { [LINKS_KEY]: links, ...fields } = body;
  if (parent.links.length === 0) throw new AppError('BAD_REQUEST', `${parent.label} have no linked records`, { [LINKS_KEY]: 'is not a field of this record' });
  // Nothing named: the fields alone (a form whose links were left as they were).
  if (isPlainObject(links) && Object.keys(links).length === 0) return { fields, committed };
  const request = parseLinksRequest(parent, id, links);
  return {
    fields,
    within: async (tx) => {
      await replaceLinksIn(engine, tx, id, request, caller, gone);
    },
    committed,
  };
}
