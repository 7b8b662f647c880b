import type { Tx } from '../db/unit-of-work.js';
import type { Caller } from '../engine/caller.js';
import type { Precondition, ResourceEngine } from '../engine/execute.js';
import type { RowEvent } from '../engine/row-events.js';
import { canonical } from '../engine/values/equality.js';
import { stampedOnUpdate } from '../engine/metadata/stamps.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import { isPlainObject, validatePayload } from '../engine/validate/validate-payload.js';
import { ident } from '../engine/plan/sql.js';
import { serializeValue } from '../engine/types/column-types.js';
import { AppError } from '../errors/app-error.js';
import { assertReaches, imageAsOf, parseMoment } from './as-of.query.js';
import { eventOf } from './versions.js';
import type { RestoreResult } from '../../contract/audit.js';
import { visibleFilters } from '../engine/filter/visible-filter.js';
import { assertMaySet } from './write-back.js';

type Image = Record<string, unknown>;

/** The version a restore names: `{as_of}` (the record at a moment) or `{event}` (the state an event left). */
async function targetOf(engine: ResourceEngine, resource: ResourceMeta, id: number, body: Record<string, unknown>): Promise<{ image: Image; label: string }> {
  const hasAsOf = body.as_of !== undefined;
  const hasEvent = body.event !== undefined;
  if (hasAsOf === hasEvent) throw new AppError('BAD_REQUEST', 'Name the version to restore: {"as_of": "<ISO 8601>"} or {"event": <event id>}', { as_of: 'or event' });
  if (hasAsOf) {
    const moment = parseMoment(body.as_of);
    const image = await imageAsOf(engine, resource, id, moment);
    if (!image) throw new AppError('BAD_REQUEST', `${resource.singular} ${id} did not exist on ${moment.text}: there is no version to restore`, { as_of: 'the record did not exist then' });
    return { image, label: `as of ${moment.text}` };
  }
  const event = await eventOf(engine, resource, id, typeof body.event === 'number' ? String(body.event) : body.event, 'event');
  if (event.action === 'DELETE' || !event.changed_data) throw new AppError('BAD_REQUEST', `Event ${event.id} deleted the record: restore the version of an earlier event`, { event: 'an event that left the record in place' });
  return { image: event.changed_data, label: `of event #${event.id}` };
}

/** Writable fields a restore writes back: what an edit could set (not the server's stamps, keys or managed fields). */
function restorable(resource: ResourceMeta): string[] {
  const managed = new Set(resource.options.serverManaged ?? []);
  return resource.fields.filter((f) => !f.readOnly && !f.primaryKey && !f.secret && !managed.has(f.name)).map((f) => f.name);
}

/**
 * Writes a record back to one of its versions in one audited write, through the engine's own edit
 * (validation, references, field permissions, write scope before and after, the precondition), or,
 * for a deleted record, puts it back with its id as undo does (the checks of a create). A preview
 * runs exactly the same writes and the commit-time reach check, then rolls them back.
 */
export async function restoreVersion(
  engine: ResourceEngine,
  resource: ResourceMeta,
  id: number,
  rawBody: unknown,
  caller: Caller,
  options: { reason: string | null; precondition: Precondition; preview: boolean },
): Promise<RestoreResult> {
  if (resource.readOnly) throw new AppError('METHOD_NOT_ALLOWED', `${resource.label} are read-only`);
  const body = isPlainObject(rawBody) ? rawBody : {};
  if (!isPlainObject(rawBody)) throw new AppError('BAD_REQUEST', 'The body must be a JSON object: {"as_of": ...} or {"event": ...}');
  // A preview writes nothing, so it may come before the reason is typed.
  if (!options.preview && !options.reason?.trim()) throw new AppError('BAD_REQUEST', 'Restoring a version needs a reason (X-Change-Reason)');
  await assertReaches(engine, resource, id, caller, 'write');
  const { image, label } = await targetOf(engine, resource, id, body);
  const shown = resource.fields.filter((f) => caller.sees(resource, f));
  const rows: RowEvent[] = [];
  const result = await engine.write(caller, `Restore of the version ${label}: ${options.reason ?? 'preview'}`, async (tx) => {
    await tx.query('SAVEPOINT restore');
    const [stored] = await engine.query(tx, `SELECT to_jsonb(t) AS j FROM ${ident(resource.name)} t WHERE id = $1 FOR UPDATE`, [id]);
    const current = (stored?.j ?? null) as Image | null;
    const out = current ? await writeBack(engine, tx, resource, id, image, current, body, caller, options.precondition) : await putBack(engine, tx, resource, image, caller, rows);
    // Values as the caller is shown them (a stored filter cut to the fields they see).
    const [now, then] = [current ?? {}, out.image].map((row) => visibleFilters(engine.resources, resource, row, caller));
    const changes = shown
      .filter((f) => f.name !== 'id' && !stampedOnUpdate(resource, f.name) && canonical(current?.[f.name] ?? null) !== canonical(out.image[f.name] ?? null))
      .map((f) => ({ field: f.name, before: current ? serializeValue(f, now[f.name] ?? null) : null, after: serializeValue(f, then[f.name] ?? null) }));
    if (options.preview) {
      await engine.checkReach(tx, caller);
      await tx.query('ROLLBACK TO SAVEPOINT restore');
    }
    return { action: out.action, changes, record: out.record, applied: !options.preview };
  });
  if (!options.preview) await engine.rows.committed(rows);
  return result;
}

/** The record exists: an edit of the fields that differ from the version. */
async function writeBack(engine: ResourceEngine, tx: Tx, resource: ResourceMeta, id: number, image: Image, current: Image, body: Image, caller: Caller, precondition: Precondition) {
  const version = resource.versionField;
  const versioned = !!version && version in body;
  if (precondition.required && !precondition.ifMatch && !versioned && version) {
    throw new AppError('PRECONDITION_REQUIRED', `Say which version you replace: send If-Match with the ETag of GET /${resource.name}/${id}, or the ${version} value you loaded`);
  }
  const fields = restorable(resource).filter((k) => canonical(current[k] ?? null) !== canonical(image[k] ?? null));
  assertMaySet(resource, fields, caller, current, 'Restoring this version');
  const patch: Image = Object.fromEntries(fields.map((k) => [k, serializeValue(resource.field.get(k)!, image[k] ?? null)]));
  if (versioned) patch[version!] = body[version!];
  const { after, changed } = await engine.updateIn(tx, resource, id, patch, caller, precondition.ifMatch);
  const [row] = await engine.query(tx, `SELECT to_jsonb(t) AS j FROM ${ident(resource.name)} t WHERE id = $1`, [id]);
  return { action: changed.length ? ('updated' as const) : ('unchanged' as const), record: after, image: row.j as Image };
}

/** The record was deleted: put the version back with its id, with the checks of a create. */
async function putBack(engine: ResourceEngine, tx: Tx, resource: ResourceMeta, image: Image, caller: Caller, rows: RowEvent[]) {
  if (!caller.can(`${resource.name}.create`)) throw new AppError('FORBIDDEN', `Restoring a deleted ${resource.singular.toLowerCase()} needs the ${resource.name}.create permission`);
  if ((resource.options.secret ?? []).length) throw new AppError('BAD_REQUEST', `${resource.label} hold secrets the log does not keep; they cannot be restored`);
  assertMaySet(resource, Object.keys(image), caller, null, 'Restoring this version');
  // The value rules of a create, on what an edit could set (the stamps and keys go back as they were).
  validatePayload(resource, Object.fromEntries(restorable(resource).filter((k) => k in image).map((k) => [k, serializeValue(resource.field.get(k)!, image[k] ?? null)])), 'create', caller, null);
  await engine.checkReferences(tx, resource, image, caller);
  const table = ident(resource.name);
  await engine.query(tx, `INSERT INTO ${table} SELECT * FROM jsonb_populate_record(NULL::${table}, $1::jsonb)`, [JSON.stringify(image)]);
  rows.push({ resource: resource.name, action: 'restored', row: image });
  const record = await engine.getOne(resource, Number(image.id), caller, tx).catch((e: unknown) => {
    throw e instanceof AppError && e.code === 'NOT_FOUND' ? new AppError('FORBIDDEN', 'This version would be outside what you may reach') : e;
  });
  return { action: 'restored' as const, record, image };
}
