import { AppError } from '../errors/app-error.js';
import { inUnitOfWork, type Tx } from '../db/unit-of-work.js';
import type { Caller } from './caller.js';
import { checkReach } from './check/reach.js';
import { checkReferences, checkUniqueTogether, copiedValues } from './check/write-checks.js';
import type { FieldMeta, ResourceMeta } from './metadata/resource-meta.js';
import { stampsOnUpdate } from './metadata/stamps.js';
import { ident, Params, statementName } from './plan/sql.js';
import { ResourceReader, type Queryable } from './read/resource-reader.js';
import { RowEvents } from './row-events.js';
import { isPlainObject, validatePayload } from './validate/validate-payload.js';
import { canonical, micros } from './values/equality.js';
import { parseValue, sqlCast, toParam, sameValue } from './types/column-types.js';


type Row = Record<string, unknown>;

/** What a PUT says about the version it changes (HTTP If-Match), and whether it must say it. */
export interface Precondition {
  ifMatch?: string;
  required: boolean;
}

/**
 * What the server itself writes on a create, beside the client's body: values of declared
 * server-managed fields (a document's storage key, size and checksum, from the upload), and work
 * that must share the row's fate, run in the same transaction once the row is inserted.
 */
export interface ServerWrite {
  managed?: Row;
  within?: (tx: Tx, row: Row) => Promise<void>;
}

/**
 * The generic engine: every resource is served by these few methods, planned from its metadata.
 * Reads (read/resource-reader.ts) run on the pool or a replica; every write runs in the unit of
 * work, is checked there (check/: what the database must judge, then the reach of every row the
 * transaction changed) and commits with its audit rows or not at all.
 */
export class ResourceEngine extends ResourceReader {
  /** Rows that left or came back, told after the commit (documents move their bytes). */
  readonly rows = new RowEvents();

  /**
   * `server.within` runs in the same transaction once the row is inserted and read back: work that
   * must share the row's fate (storing an uploaded file) fails the insert when it fails.
   */
  async create(resource: ResourceMeta, body: unknown, caller: Caller, reason?: string | null, server: ServerWrite = {}): Promise<Row> {
    this.writable(resource);
    // Validated before the transaction opens: a refused body costs no connection.
    const values = this.validateCreate(resource, body, caller);
    for (const [name, value] of Object.entries(server.managed ?? {})) {
      if (!resource.options.serverManaged?.includes(name)) throw new Error(`${resource.name}.${name} is not declared serverManaged`);
      values[name] = value;
    }
    const within = server.within;
    return this.write(caller, reason, async (tx) => {
      const created = await this.insertValidated(tx, resource, values, caller);
      if (within) await within(tx, created);
      return created;
    });
  }

  /** A create inside a caller's transaction (imports write many in one change set). */
  async insertIn(tx: Tx, resource: ResourceMeta, body: unknown, caller: Caller): Promise<Row> {
    this.writable(resource);
    return this.insertValidated(tx, resource, this.validateCreate(resource, body, caller), caller);
  }

  /** A create body checked, with the caller's scope defaults where it leaves a field out (or null). */
  private validateCreate(resource: ResourceMeta, body: unknown, caller: Caller): Row {
    if (!isPlainObject(body)) return validatePayload(resource, body, 'create', caller, null); // refused there
    const filled: Row = { ...body };
    for (const [name, value] of Object.entries(caller.createDefaults?.(resource) ?? {})) filled[name] ??= value;
    return validatePayload(resource, filled, 'create', caller, null);
  }

  private async insertValidated(tx: Tx, resource: ResourceMeta, values: Row, caller: Caller): Promise<Row> {
    // Server-managed columns the table requires get their declared value where the server set none
    // (a document row made without an upload describes no stored file).
    for (const [name, value] of Object.entries(resource.options.serverDefaults ?? {})) if (values[name] === undefined) values[name] = value;
    await checkReferences(this.q, tx, this.resources, resource, values, caller);
    await checkUniqueTogether(this.q, tx, resource, values, null);
    for (const [name, value] of Object.entries(await copiedValues(this.q, tx, resource, Object.keys(values), values))) {
      if (values[name] === undefined || values[name] === null) values[name] = value;
    }
    for (const f of resource.fields) if (f.stamp?.create === 'user' && caller.userId !== null) values[f.name] = caller.userId;
    const params = new Params();
    const names = Object.keys(values);
    const placeholders = names.map((n) => params.add(toParam(resource.field.get(n)!, values[n]), sqlCast(resource.field.get(n)!)));
    const sql = names.length
      ? `INSERT INTO ${ident(resource.name)} (${names.map(ident).join(', ')}) VALUES (${placeholders.join(', ')}) RETURNING "id"`
      : `INSERT INTO ${ident(resource.name)} DEFAULT VALUES RETURNING "id"`;
    const [row] = await this.query(tx, sql, params.values);
    // Read back through the caller's scope: a write may not create a row its writer cannot reach.
    return this.getOne(resource, row.id as number, caller, tx).catch((e) => {
      throw e instanceof AppError && e.code === 'NOT_FOUND' ? new AppError('FORBIDDEN', 'This record would be outside what you may reach') : e;
    });
  }

  /**
   * A PUT changes only the fields it carries. When it carries the version field (updated_at), the
   * row must still hold that value: otherwise someone else changed it since the client loaded it.
   */
  async update(resource: ResourceMeta, id: number, body: unknown, caller: Caller, reason?: string | null, precondition: Precondition = { required: false }, within?: ServerWrite['within']): Promise<Row> {
    this.writable(resource);
    const sent = isPlainObject(body) ? body.id : undefined;
    // Only a number or its text can name a record (String() of a deeply nested array would recurse).
    if (sent !== undefined && sent !== null && ((typeof sent !== 'number' && typeof sent !== 'string') || String(sent) !== String(id))) {
      throw new AppError('BAD_REQUEST', `The body names another record than the URL (${id})`, { id: 'must be the id of the URL, or left out' });
    }
    const version = resource.versionField;
    const versioned = !!version && isPlainObject(body) && version in body;
    if (precondition.required && !precondition.ifMatch && !versioned && version) {
      throw new AppError(
        'PRECONDITION_REQUIRED',
        `Say which version you change: send If-Match with the ETag of GET /${resource.name}/${id}, or the ${version} value you loaded (If-Match: * to overwrite whatever is there)`,
      );
    }
    // `within`: work of the same save in the same transaction (the record's links), after the checks of the version.
    return this.write(caller, reason, async (tx) => {
      const { after } = await this.updateIn(tx, resource, id, body, caller, precondition.ifMatch);
      if (within) await within(tx, after);
      return after;
    });
  }

  /**
   * The record's version as an entity tag: its version field (microseconds), or for a table without
   * one a digest of the record as this caller sees it. GET sends it; a PUT's If-Match must match it.
   */
  etag(resource: ResourceMeta, row: Row): string {
    const version = resource.versionField;
    const basis = version && typeof row[version] === 'string' ? String(micros(row[version] as string)) : canonical(row);
    return `"${statementName(resource.name + ':' + basis)}"`;
  }

  /**
   * An update inside a caller's transaction: the row before (locked) and after, and the fields that
   * changed (none: nothing written). Imports and bulk edits run many of these in one change set.
   */
  async updateIn(tx: Tx, resource: ResourceMeta, id: number, body: unknown, caller: Caller, ifMatch?: string): Promise<{ before: Row; after: Row; changed: string[] }> {
    this.writable(resource);
    const current = await this.getOne(resource, id, caller, tx, true);
    if (ifMatch && ifMatch.trim() !== '*' && !ifMatch.split(',').map((t) => t.trim().replace(/^W\//, '')).includes(this.etag(resource, current))) {
      throw new AppError('PRECONDITION_FAILED', 'Someone else changed this record since you loaded it (If-Match does not match). Reload it to see their change, then edit again.', undefined, { current });
    }
    const values = validatePayload(resource, body, 'update', caller, current);
    const version = resource.versionField;
    if (version && body && typeof body === 'object' && version in body) {
      const sent = (body as Row)[version];
      const parsed = sent === null ? { ok: true } : parseValue(resource.field.get(version)!, sent, 'write');
      if (!parsed.ok) throw new AppError('VALIDATION', `${version} must be a timestamp: send back the value you loaded`, { [version]: 'must be a timestamp: send back the value you loaded' });
      if (!sameValue(resource.field.get(version)!, sent, current[version])) {
        throw new AppError('CONFLICT', 'Someone else changed this record since you loaded it. Reload it to see their change, then edit again.', undefined, { current });
      }
    }
    let changed = Object.keys(values).filter((k) => !sameValue(resource.field.get(k)!, values[k], current[k]));
    if (changed.length === 0) return { before: current, after: current, changed };
    Object.assign(values, await copiedValues(this.q, tx, resource, changed, values));
    changed = Object.keys(values).filter((k) => !sameValue(resource.field.get(k)!, values[k], current[k]));
    const patch = Object.fromEntries(changed.map((k) => [k, values[k]]));
    await checkReferences(this.q, tx, this.resources, resource, patch, caller);
    await checkUniqueTogether(this.q, tx, resource, patch, current);
    const params = new Params();
    const sets = changed.map((k) => `${ident(k)} = ${params.add(toParam(resource.field.get(k)!, values[k]), sqlCast(resource.field.get(k)!))}`);
    sets.push(...stampsOnUpdate(resource, caller.userId, params));
    await this.query(tx, `UPDATE ${ident(resource.name)} SET ${sets.join(', ')} WHERE "id" = ${params.add(id)}`, params.values);
    const after = await this.getOne(resource, id, caller, tx).catch((e) => {
      throw e instanceof AppError && e.code === 'NOT_FOUND' ? new AppError('FORBIDDEN', 'This change would move the record outside what you may reach') : e;
    });
    return { before: current, after, changed };
  }

  async remove(resource: ResourceMeta, id: number, caller: Caller, reason?: string | null): Promise<Row> {
    this.writable(resource);
    const { current, image } = await this.write(caller, reason, (tx) => this.deleteIn(tx, resource, id, caller));
    await this.rows.committed([{ resource: resource.name, action: 'deleted', row: image }]);
    return current;
  }

  /**
   * Deletes records in one transaction, so one change set that one undo brings back (with what
   * the deletes cascaded to). Each must be within the caller's write scope: one that is not, or is
   * gone, is a 404 and nothing is deleted.
   */
  async removeMany(resource: ResourceMeta, ids: number[], caller: Caller, reason?: string | null): Promise<{ rows: Row[]; txid: number }> {
    this.writable(resource);
    const { deleted, txid } = await this.write(caller, reason, async (tx) => {
      const deleted: { current: Row; image: Row }[] = [];
      for (const id of ids) deleted.push(await this.deleteIn(tx, resource, id, caller));
      return { deleted, txid: await this.txid(tx) };
    });
    await this.rows.committed(deleted.map(({ image }) => ({ resource: resource.name, action: 'deleted' as const, row: image })));
    return { rows: deleted.map((d) => d.current), txid };
  }

  /** A delete inside a caller's transaction: the row as the caller saw it (locked), and as stored. */
  async deleteIn(tx: Tx, resource: ResourceMeta, id: number, caller: Caller): Promise<{ current: Row; image: Row }> {
    const current = await this.getOne(resource, id, caller, tx, true);
    // A record whose fields nobody changes on their own (a user's role and status) is not deleted by its owner either.
    if (resource.options.selfProtected?.length && current.id === caller.userId) throw new AppError('FORBIDDEN', `Your own ${resource.singular.toLowerCase()} record cannot be deleted`);
    const [image] = await this.query(tx, `DELETE FROM ${ident(resource.name)} WHERE "id" = $1 RETURNING *`, [id]);
    return { current, image };
  }

  /** The transaction's id: what the audit rows of its writes share (the change set). */
  async txid(tx: Tx): Promise<number> {
    const [row] = await this.query(tx, 'SELECT txid_current()::bigint AS txid', []);
    return Number(row.txid);
  }

  /** Runs `work` in the unit of work, translating database errors into the product's error type. */
  async write<T>(caller: Caller, reason: string | null | undefined, work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await inUnitOfWork(this.pool, { userId: caller.userId, reason, alongside: caller.sessionCheck }, async (tx) => {
        const result = await work(tx);
        await this.checkReach(tx, caller);
        await this.options.reads?.noteWrite(tx, caller.userId);
        return result;
      });
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** Every row this transaction changed was, and stays, within the caller's write scope (check/reach.ts). */
  checkReach(tx: Tx, caller: Caller): Promise<void> {
    return checkReach((db, sql, values) => this.query(db, sql, values), tx, this.resources, caller);
  }

  private writable(resource: ResourceMeta): void {
    if (resource.readOnly) throw new AppError('METHOD_NOT_ALLOWED', `${resource.label} are read-only`);
  }

  /** The reference checks of a write, for a row put back by undo (which is not a create). */
  checkReferences(tx: Tx, resource: ResourceMeta, values: Row, caller: Caller): Promise<void> {
    return checkReferences(this.q, tx, this.resources, resource, values, caller);
  }

  /** The query function the write checks run with (the engine's, translating database errors). */
  private readonly q = (db: Queryable, sql: string, values: unknown[]) => this.query(db, sql, values);
}

