import { allowed } from '../auth/authorize.js';
import type { Action } from '../schema/matrix-terms.js';
import type { Tx } from '../db/unit-of-work.js';
import type { Caller } from '../engine/caller.js';
import type { ResourceEngine } from '../engine/execute.js';
import type { LinkMeta, ResourceMeta } from '../engine/metadata/resource-meta.js';
import { ident, Params } from '../engine/plan/sql.js';
import type { RowEvent } from '../engine/row-events.js';
import { isPlainObject } from '../engine/validate/validate-payload.js';
import { AppError } from '../errors/app-error.js';

type Row = Record<string, unknown>;

/** What one save did to one join table's rows. */
interface LinkReport {
  created: number[];
  updated: number[];
  deleted: number[];
}

/** A parent has a handful of links per table (a group's members are the most); more is not a form's. */
const MAX_LINKS = 1000;

/**
 * `{<join table>: [{<item field>: id, <its own fields>...}]}`: for each join table named, the links
 * the parent should have. Shape errors are all reported at once, before any transaction opens.
 */
export function parseLinksRequest(parent: ResourceMeta, id: number, body: unknown): Map<LinkMeta, Row[]> {
  if (!isPlainObject(body) || Object.keys(body).length === 0) {
    throw new AppError('BAD_REQUEST', 'The body must be a JSON object {<join table>: [{<linked record field>: id, ...}]}');
  }
  const out = new Map<LinkMeta, Row[]>();
  const errors: Record<string, string> = {};
  for (const [name, rows] of Object.entries(body)) {
    const link = parent.links.find((l) => l.through === name);
    if (!link) errors[name] = `is not a join table of ${parent.label.toLowerCase()}`;
    else if (!Array.isArray(rows) || rows.length > MAX_LINKS) errors[name] = `must be a list of at most ${MAX_LINKS} links`;
    else out.set(link, rows.map((row, i) => linkRow(link, id, row, `${name}.${i}`, errors)));
  }
  for (const [link, rows] of out) {
    const seen = new Set<string>();
    rows.forEach((row, i) => {
      const item = String(row[link.itemField]);
      if (seen.has(item)) errors[`${link.through}.${i}.${link.itemField}`] ??= 'is linked twice';
      seen.add(item);
    });
  }
  if (Object.keys(errors).length) {
    const [first] = Object.entries(errors);
    throw new AppError('BAD_REQUEST', `${first[0]} ${first[1]}`, errors);
  }
  return out;
}

function linkRow(link: LinkMeta, parentId: number, row: unknown, key: string, errors: Record<string, string>): Row {
  if (!isPlainObject(row)) {
    errors[key] = 'must be an object';
    return {};
  }
  const item = row[link.itemField];
  if (typeof item !== 'number' && typeof item !== 'string') errors[`${key}.${link.itemField}`] = 'is required: the id of the linked record';
  const parent = row[link.parentField];
  if (parent !== undefined && parent !== null && String(parent) !== String(parentId)) errors[`${key}.${link.parentField}`] = 'must be this record, or left out';
  // A link is named by its item, not by its row's id.
  const { id: _id, [link.parentField]: _parent, ...fields } = row;
  return fields;
}

function need(caller: Caller, resource: ResourceMeta, action: Action): void {
  if (!allowed(caller, resource, action)) throw new AppError('FORBIDDEN', `You may not ${action} ${resource.label.toLowerCase()}`);
}

/** The parent's links the caller may see, by item: rows outside their scope are not theirs to keep or drop. */
async function currentLinks(engine: ResourceEngine, tx: Tx, through: ResourceMeta, link: LinkMeta, parentId: number, caller: Caller): Promise<Map<string, number>> {
  const params = new Params();
  const where = [`${ident(link.parentField)} = ${params.add(parentId, 'bigint')}`];
  const scope = caller.scope(through, params);
  if (scope) where.push(`(${scope})`);
  const rows = await engine.query(tx, `SELECT id, ${ident(link.itemField)} AS item FROM ${ident(through.name)} WHERE ${where.join(' AND ')} ORDER BY id FOR UPDATE`, params.values);
  return new Map(rows.map((r) => [String(r.item), Number(r.id)]));
}

/** A refusal of one link, saying which one (its position in the request) and keeping its field errors. */
function ofLink(engine: ResourceEngine, error: unknown, through: ResourceMeta, i: number): unknown {
  const e = engine.translate(error);
  if (!(e instanceof AppError) || e.status >= 500) return e;
  const errors = e.errors && Object.fromEntries(Object.entries(e.errors).map(([f, m]) => [`${through.name}.${i}.${f}`, m]));
  return new AppError(e.code, `${through.singular} ${i + 1}: ${e.message}`, errors, e.details);
}

/**
 * Makes a parent's links what the request says, as one change set: a link not there yet is created,
 * one there has its own fields updated, one left out is deleted, each through the engine's create,
 * edit and delete (validation, references within the caller's reach, field permissions, write scope),
 * and the transaction's reach check runs before the commit. Any refusal rolls back the whole save.
 */
export async function replaceLinks(engine: ResourceEngine, parent: ResourceMeta, id: number, request: Map<LinkMeta, Row[]>, caller: Caller, reason: string | null) {
  await engine.getOne(parent, id, caller);
  // Links are saved whole against what the caller sees of them: without the join table's list, which
  // of its create or delete a save needs would tell whether an item is linked.
  for (const link of request.keys()) need(caller, engine.resource(link.through), 'list');
  const gone: RowEvent[] = [];
  const result = await engine.write(caller, reason, async (tx) => {
    const links = await replaceLinksIn(engine, tx, id, request, caller, gone);
    return { txid: linksWritten(links) ? await engine.txid(tx) : null, links };
  });
  await engine.rows.committed(gone);
  return result;
}

export const linksWritten = (links: Record<string, LinkReport>) => Object.values(links).some((r) => r.created.length + r.updated.length + r.deleted.length > 0);

/**
 * The links' writes inside a caller's transaction (the links route's own, or the record's edit
 * that carries them: one change set for both). Deleted rows are added to `gone`, to be told once
 * the transaction has committed.
 */
export async function replaceLinksIn(engine: ResourceEngine, tx: Tx, id: number, request: Map<LinkMeta, Row[]>, caller: Caller, gone: RowEvent[]): Promise<Record<string, LinkReport>> {
  const links: Record<string, LinkReport> = {};
  for (const [link, rows] of request) {
    const through = engine.resource(link.through);
    const report: LinkReport = { created: [], updated: [], deleted: [] };
    const current = await currentLinks(engine, tx, through, link, id, caller);
    for (const [i, row] of rows.entries()) {
      const existing = current.get(String(row[link.itemField]));
      current.delete(String(row[link.itemField]));
      try {
        if (existing === undefined) {
          need(caller, through, 'create');
          report.created.push(Number((await engine.insertIn(tx, through, { ...row, [link.parentField]: id }, caller)).id));
        } else {
          const { [link.itemField]: _item, ...fields } = row;
          const { changed } = await engine.updateIn(tx, through, existing, fields, caller);
          if (changed.length) need(caller, through, 'edit');
          if (changed.length) report.updated.push(existing);
        }
      } catch (error) {
        throw ofLink(engine, error, through, i);
      }
    }
    for (const rowId of current.values()) {
      need(caller, through, 'delete');
      gone.push({ resource: through.name, action: 'deleted', row: (await engine.deleteIn(tx, through, rowId, caller)).image });
      report.deleted.push(rowId);
    }
    links[link.through] = report;
  }
  return links;
}
