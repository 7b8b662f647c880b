import type { Pool, QueryConfig } from 'pg';
import Cursor from 'pg-cursor';
import { createHash } from 'node:crypto';
import { AppError, notFound } from '../errors/app-error.js';
import { translateDbError } from '../errors/db-error.js';
import { inUnitOfWork, type Tx } from '../db/unit-of-work.js';
import type { Reader, ReadRouter } from '../db/read-router.js';
import type { Caller, ScopePurpose } from './caller.js';
import type { FieldMeta, ResourceMeta } from './metadata/resource-meta.js';
import { fillTemplate } from './metadata/template.js';
import { MAX_PAGE, type ListQuery } from './params/parse-simple-rest.js';
import { countsExactly, planList, planPage } from './plan/plan-list.js';
import { ident, Params } from './plan/sql.js';
import { serializeRecord, serializeValue } from './serialize/serialize-record.js';
import { isPlainObject, validatePayload } from './validate/validate-payload.js';
import { parseValue, sqlCast } from './values/parse-value.js';

export interface ListResult {
  rows: Record<string, unknown>[];
  start: number;
  total: number;
  /** The total is the planner's estimate (above `exactCountBelow` rows), not a count. */
  approximate: boolean;
}

export interface EngineOptions {
  /** Totals up to this many rows are counted exactly; above, the planner's estimate is answered. */
  exactCountBelow: number;
  /** Read replicas for list and show reads; without it every read is on the primary pool. */
  reads?: ReadRouter;
}

type Row = Record<string, unknown>;

/**
 * A row that left or came back to its table, told to listeners after the transaction committed
 * (the documents module moves a deleted document's bytes aside, and back on undo).
 */
export interface RowEvent {
  resource: string;
  action: 'deleted' | 'restored';
  /** The row's image as stored (every column). */
  row: Row;
}

/** The pool, a transaction's client or a replica reader: anything that runs a query. */
type Queryable = Pick<Reader, 'query'>;

/** A short stable name for a statement's text. */
function hash(text: string): string {
  return createHash('sha1').update(text).digest('base64url').slice(0, 16);
}

/** Stable JSON for comparing values (jsonb does not keep key order). */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(canonical).join(',') + ']';
  if (value && typeof value === 'object') {
    return '{' + Object.keys(value).sort().map((k) => JSON.stringify(k) + ':' + canonical((value as Row)[k])).join(',') + '}';
  }
  return JSON.stringify(value ?? null);
}

/** An ISO timestamp as microseconds since the epoch: PostgreSQL keeps microseconds, Date only ms. */
function micros(iso: string): number {
  const m = /^(.*?:\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d(?::?\d\d)?)$/.exec(iso.replace(' ', 'T'));
  if (!m) return NaN;
  const zone = m[3] === 'Z' || m[3].length > 3 ? m[3] : `${m[3]}:00`;
  return Date.parse(m[1] + zone) * 1000 + Number((m[2] ?? '').padEnd(6, '0'));
}

function sameValue(field: FieldMeta, a: unknown, b: unknown): boolean {
  if (field.type === 'timestamp' && typeof a === 'string' && typeof b === 'string') return micros(a) === micros(b);
  return canonical(a) === canonical(b);
}

/**
 * The generic engine: every resource is served by these few methods, planned from its metadata.
 * Reads run on the pool; every write runs in the unit of work so its audit rows share its fate.
 */
export class ResourceEngine {
  /** Table sizes (pg_class.reltuples), refreshed at most once a minute per table. */
  private readonly sizes = new Map<string, { rows: number; at: number }>();

  constructor(
    readonly pool: Pool,
    readonly resources: Map<string, ResourceMeta>,
    readonly options: EngineOptions = { exactCountBelow: 20_000 },
  ) {}

  /** Row listeners: awaited after the commit; their failure is logged, the write stands. */
  private readonly rowListeners: ((events: RowEvent[]) => Promise<void>)[] = [];

  onRows(listener: (events: RowEvent[]) => Promise<void>): void {
    this.rowListeners.push(listener);
  }

  async committed(events: RowEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const listener of this.rowListeners) {
      await listener(events).catch((error: unknown) => console.error('after-commit listener failed:', error));
    }
  }


  /** Where this caller's list and show reads go (a replica, unless they just wrote). */
  reader(caller: Caller): Reader {
    return this.options.reads ? this.options.reads.for(caller.recentWriter) : this.pool;
  }

  resource(name: string): ResourceMeta {
    const resource = this.resources.get(name);
    if (!resource) throw notFound(`Unknown resource "${name}"`);
    return resource;
  }

  /** Path ids are whole numbers; anything else cannot name a row, so it is a 404 like a missing one. */
  parseId(resource: ResourceMeta, raw: string): number {
    const r = parseValue(resource.field.get('id')!, raw, 'filter');
    if (!r.ok || (r.value as number) < 1) throw notFound(`${resource.singular} ${raw.slice(0, 40)} not found`);
    return r.value as number;
  }

  /** A row as this caller may see it: visible fields, and row images cut to what they may see. */
  present(resource: ResourceMeta, row: Row, caller: Caller, fields = this.shown(resource, caller)): Row {
    const out = serializeRecord(fields, row);
    const images = resource.options.recordImages;
    if (!images) return out;
    const target = this.resources.get(String(row[images.table]));
    for (const column of images.images) {
      const image = out[column] as Row | null | undefined;
      if (!image || typeof image !== 'object') continue;
      out[column] = Object.fromEntries(
        Object.entries(image).filter(([name]) => {
          const field = target?.field.get(name);
          return target ? !!field && caller.sees(target, field) : false;
        }),
      );
    }
    return out;
  }

  /** The fields this caller sees, chosen once per answer (not per row). */
  private shown(resource: ResourceMeta, caller: Caller): FieldMeta[] {
    return resource.fields.filter((f) => caller.sees(resource, f));
  }

  private columns(resource: ResourceMeta, caller: Caller): string {
    return this.shown(resource, caller).map((f) => ident(f.name)).join(', ');
  }

  private scoped(resource: ResourceMeta, caller: Caller, params: Params, where: string[], purpose: ScopePurpose = 'read'): string {
    const scope = caller.scope(resource, params, purpose);
    const all = scope ? [...where, `(${scope})`] : where;
    return all.length ? `WHERE ${all.join(' AND ')}` : '';
  }

  private async tableSize(table: string): Promise<number> {
    const known = this.sizes.get(table);
    if (known && Date.now() - known.at < 60_000) return known.rows;
    const [row] = await this.query(this.pool, `SELECT greatest(reltuples, 0)::bigint AS n FROM pg_class WHERE oid = to_regclass($1)`, [ident(table)]);
    const rows = Number(row?.n ?? 0);
    this.sizes.set(table, { rows, at: Date.now() });
    return rows;
  }

  /**
   * The list total, chosen per request: an exact count while the table is small, or while the
   * planner expects few matching rows and a cheap count (countsExactly); else the planner's
   * estimate. An exact count(*) over a million rows costs tens of milliseconds on every page; the
   * estimate, one plan.
   */
  private async total(db: Queryable, resource: ResourceMeta, from: string, values: unknown[]): Promise<{ total: number; approximate: boolean }> {
    const limit = this.options.exactCountBelow;
    if ((await this.tableSize(resource.name)) >= limit) {
      const [plan] = await this.query(db, `EXPLAIN (FORMAT JSON) SELECT 1 ${from}`, values);
      const top = (plan['QUERY PLAN'] as { Plan: { 'Plan Rows': number; 'Total Cost': number } }[])[0].Plan;
      const estimate = Math.round(Number(top['Plan Rows']));
      if (!countsExactly({ rows: estimate, cost: Number(top['Total Cost']) }, limit)) return { total: estimate, approximate: true };
    }
    const [count] = await this.query(db, `SELECT count(*)::bigint AS total ${from}`, values);
    return { total: Number(count.total), approximate: false };
  }

  async list(resource: ResourceMeta, query: ListQuery, caller: Caller): Promise<ListResult> {
    const plan = planList(resource, query, caller);
    const start = query.range?.start ?? 0;
    const limit = query.range ? query.range.end - query.range.start + 1 : MAX_PAGE;
    const page = planPage(plan, start, limit);
    // Named by its text: a list's shape (filter keys, sort, page size) recurs with other values,
    // so each connection plans it once...
    // ...except searches: a generic plan cannot see the ILIKE pattern, and would give up the trigram index.
    const searching = Object.keys(query.filter).some((k) => k === 'q' || k.endsWith('_like'));
    const rowsSql = searching ? page.text : { name: `list:${hash(page.text)}`, text: page.text };
    const db = this.reader(caller);
    const [rows, count] = await Promise.all([this.query(db, rowsSql, page.values), this.total(db, resource, plan.from, plan.params.values)]);
    const fields = this.shown(resource, caller);
    return { rows: rows.map((r) => this.present(resource, r, caller, fields)), start, ...count };
  }

  /**
   * Every row of a filtered list (no page limit), read through a cursor in batches so memory stays
   * flat however many rows match. Same filters, scope and field rules as a page.
   */
  exportRows(resource: ResourceMeta, query: ListQuery, caller: Caller): { fields: string[]; rows: AsyncGenerator<Row> } {
    // Planned here, before any byte is sent, so a bad filter is still a clean 400.
    const { visible, params, select } = planList(resource, query, caller);
    return { fields: resource.fields.filter(visible).map((f) => f.name), rows: this.stream(resource, caller, select, params.values) };
  }

  /**
   * The ids of the rows a filtered list matches (same filters, scope and field rules as a page), in
   * id order, at most `limit` + 1 of them so a caller can tell "too many" without counting them all.
   */
  async matchingIds(resource: ResourceMeta, query: ListQuery, caller: Caller, limit: number): Promise<number[]> {
    const { params, from } = planList(resource, { ...query, sort: null }, caller);
    const rows = await this.query(this.pool, `SELECT "id" ${from} ORDER BY "id" LIMIT ${params.add(limit + 1, 'integer')}`, params.values);
    return rows.map((r) => Number(r.id));
  }

  /**
   * For each tuple of key values, the ids of the rows (within the caller's scope) holding them: one
   * query for a whole file, so matching stays a join however many rows an import has.
   */
  async idsByKeys(db: Queryable, resource: ResourceMeta, fields: string[], tuples: unknown[][], caller: Caller): Promise<number[][]> {
    const params = new Params();
    const columns = fields.map((f, i) => `${params.add(tuples.map((t) => t[i]), `${sqlCast(resource.field.get(f)!)}[]`)}`);
    const keys = `unnest(${params.add(tuples.map((_, i) => i), 'integer[]')}, ${columns.join(', ')}) AS k(i, ${fields.map((_, i) => `c${i}`).join(', ')})`;
    const join = fields.map((f, i) => `t.${ident(f)} = k.c${i}`).join(' AND ');
    const scope = caller.scope(resource, params);
    const sql = `SELECT k.i, t."id" FROM ${keys} JOIN ${ident(resource.name)} t ON ${join}${scope ? ` WHERE t."id" IN (SELECT "id" FROM ${ident(resource.name)} WHERE ${scope})` : ''} ORDER BY k.i, t."id"`;
    const out: number[][] = tuples.map(() => []);
    for (const row of await this.query(db, sql, params.values)) out[Number(row.i)].push(Number(row.id));
    return out;
  }

  private async *stream(resource: ResourceMeta, caller: Caller, select: string, values: unknown[]): AsyncGenerator<Row> {
    const client = await this.reader(caller).connect().catch((e: unknown) => {
      throw this.translate(e);
    });
    const cursor = client.query(new Cursor(select, values));
    const fields = this.shown(resource, caller);
    try {
      for (;;) {
        const rows: Row[] = await cursor.read(1000).catch((e: unknown) => {
          throw this.translate(e);
        });
        if (rows.length === 0) break;
        for (const row of rows) yield this.present(resource, row, caller, fields);
      }
    } finally {
      await cursor.close().catch(() => undefined);
      client.release();
    }
  }

  async getOne(resource: ResourceMeta, id: number, caller: Caller, db: Queryable = this.pool, lock = false): Promise<Row> {
    const params = new Params();
    // A locked read is the first step of a change: it takes the write scope.
    const where = this.scoped(resource, caller, params, [`"id" = ${params.add(id)}`], lock ? 'write' : 'read');
    const text = `SELECT ${this.columns(resource, caller)} FROM ${ident(resource.name)} ${where}${lock ? ' FOR UPDATE' : ''}`;
    // Unscoped reads by id are the same few statements again and again: prepare them once per
    // connection (a scoped one differs per caller, so it stays unnamed).
    const named = params.values.length === 1 ? { name: `one:${hash(text)}`, text } : text;
    const rows = await this.query(db, named, params.values);
    if (rows.length === 0) throw notFound(`${resource.singular} ${id} not found`);
    return this.present(resource, rows[0], caller);
  }

  /**
   * `within` runs in the same transaction once the row is inserted and read back: work that must
   * share the row's fate (storing an uploaded file) fails the insert when it fails.
   */
  async create(resource: ResourceMeta, body: unknown, caller: Caller, reason?: string | null, within?: (tx: Tx, row: Row) => Promise<void>): Promise<Row> {
    this.writable(resource);
    // Validated before the transaction opens: a refused body costs no connection.
    const values = this.validateCreate(resource, body, caller);
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
    await this.checkValueReferences(resource, values, tx, caller);
    await this.checkUniqueTogether(resource, values, null, tx);
    for (const [name, value] of Object.entries(await this.copiedValues(resource, Object.keys(values), values, tx))) {
      if (values[name] === undefined || values[name] === null) values[name] = value;
    }
    for (const managed of ['created_by', 'updated_by', 'uploaded_by']) {
      if (resource.field.has(managed) && caller.userId !== null) values[managed] = caller.userId;
    }
    const params = new Params();
    const names = Object.keys(values);
    const placeholders = names.map((n) => params.add(this.toParam(resource.field.get(n)!, values[n]), sqlCast(resource.field.get(n)!)));
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
  async update(resource: ResourceMeta, id: number, body: unknown, caller: Caller, reason?: string | null): Promise<Row> {
    this.writable(resource);
    return this.write(caller, reason, async (tx) => (await this.updateIn(tx, resource, id, body, caller)).after);
  }

  /**
   * An update inside a caller's transaction: the row before (locked) and after, and the fields that
   * changed (none: nothing written). Imports and bulk edits run many of these in one change set.
   */
  async updateIn(tx: Tx, resource: ResourceMeta, id: number, body: unknown, caller: Caller): Promise<{ before: Row; after: Row; changed: string[] }> {
    this.writable(resource);
    const current = await this.getOne(resource, id, caller, tx, true);
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
    Object.assign(values, await this.copiedValues(resource, changed, values, tx));
    changed = Object.keys(values).filter((k) => !sameValue(resource.field.get(k)!, values[k], current[k]));
    const patch = Object.fromEntries(changed.map((k) => [k, values[k]]));
    await this.checkValueReferences(resource, patch, tx, caller);
    await this.checkUniqueTogether(resource, patch, current, tx);
    const params = new Params();
    const sets = changed.map((k) => `${ident(k)} = ${params.add(this.toParam(resource.field.get(k)!, values[k]), sqlCast(resource.field.get(k)!))}`);
    for (const stamp of ['updated_at', 'last_modified_at']) if (resource.field.has(stamp)) sets.push(`${ident(stamp)} = now()`);
    if (resource.field.has('updated_by') && caller.userId !== null) sets.push(`"updated_by" = ${params.add(caller.userId)}`);
    await this.query(tx, `UPDATE ${ident(resource.name)} SET ${sets.join(', ')} WHERE "id" = ${params.add(id)}`, params.values);
    const after = await this.getOne(resource, id, caller, tx).catch((e) => {
      throw e instanceof AppError && e.code === 'NOT_FOUND' ? new AppError('FORBIDDEN', 'This change would move the record outside what you may reach') : e;
    });
    return { before: current, after, changed };
  }

  async remove(resource: ResourceMeta, id: number, caller: Caller, reason?: string | null): Promise<Row> {
    this.writable(resource);
    const { current, image } = await this.write(caller, reason, (tx) => this.deleteIn(tx, resource, id, caller));
    await this.committed([{ resource: resource.name, action: 'deleted', row: image }]);
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
    await this.committed(deleted.map(({ image }) => ({ resource: resource.name, action: 'deleted' as const, row: image })));
    return { rows: deleted.map((d) => d.current), txid };
  }

  /** A delete inside a caller's transaction: the row as the caller saw it (locked), and as stored. */
  private async deleteIn(tx: Tx, resource: ResourceMeta, id: number, caller: Caller): Promise<{ current: Row; image: Row }> {
    const current = await this.getOne(resource, id, caller, tx, true);
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
      return await inUnitOfWork(this.pool, { userId: caller.userId, reason }, async (tx) => {
        const result = await work(tx);
        await this.options.reads?.noteWrite(tx, caller.userId);
        return result;
      });
    } catch (error) {
      throw this.translate(error);
    }
  }

  translate(error: unknown): unknown {
    if (error instanceof AppError) return error;
    return translateDbError(error, (table) => this.resources.get(table)?.label ?? table) ?? error;
  }

  /** A query, or a named one (`{name, text}`: prepared once per connection, then only executed). */
  async query(db: Queryable, sql: string | { name: string; text: string }, values: unknown[]): Promise<Row[]> {
    try {
      return (typeof sql === 'string' ? await db.query(sql, values) : await db.query({ ...sql, values } as QueryConfig)).rows;
    } catch (error) {
      throw this.translate(error);
    }
  }

  private writable(resource: ResourceMeta): void {
    if (resource.readOnly) throw new AppError('METHOD_NOT_ALLOWED', `${resource.label} are read-only`);
  }

  /** pg sends JS arrays as PostgreSQL arrays; a jsonb value must go as JSON text. */
  private toParam(field: FieldMeta, value: unknown): unknown {
    return field.type === 'json' && value !== null ? JSON.stringify(value) : value;
  }

  /**
   * The values `copiedFrom` takes from the records named by the references among `keys` (the
   * fields a write sets or changes); a cleared reference clears its copies.
   */
  private async copiedValues(resource: ResourceMeta, keys: string[], values: Row, tx: Tx): Promise<Row> {
    const out: Row = {};
    for (const [key, copies] of Object.entries(resource.options.copiedFrom ?? {})) {
      const reference = resource.field.get(key)?.reference;
      if (!keys.includes(key) || !reference) continue;
      const [source] = values[key] === null ? [] : await this.query(tx, `SELECT * FROM ${ident(reference.resource)} WHERE ${ident(reference.field)} = $1 LIMIT 1`, [values[key]]);
      for (const [target, template] of Object.entries(copies)) {
        out[target] = source ? fillTemplate(template, source) : null;
      }
    }
    return out;
  }

  /**
   * Refuses a write that would make two records share a `uniqueTogether` combination. `values` are
   * what the write sets, `current` the row before (null for a create); checked only when the write
   * sets one of the combination's fields. The advisory lock makes concurrent writers of the same
   * combination wait for each other's commit, so the second one sees the first.
   */
  private async checkUniqueTogether(resource: ResourceMeta, values: Row, current: Row | null, tx: Tx): Promise<void> {
    for (const fields of resource.options.uniqueTogether ?? []) {
      if (!fields.some((f) => f in values)) continue;
      const combination = fields.map((f) => (f in values ? values[f] : current?.[f]) ?? null);
      if (combination.includes(null)) continue;
      await this.query(tx, 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${resource.name}:${fields.join(',')}:${JSON.stringify(combination)}`]);
      const params = new Params();
      const where = fields.map((f, i) => `${ident(f)} = ${params.add(combination[i], sqlCast(resource.field.get(f)!))}`);
      if (current) where.push(`"id" <> ${params.add(current.id)}`);
      const [other] = await this.query(tx, `SELECT "id" FROM ${ident(resource.name)} WHERE ${where.join(' AND ')} LIMIT 1`, params.values);
      if (other) {
        const labels = fields.map((f) => resource.field.get(f)!.label.toLowerCase()).join(' and ');
        const why = `another ${resource.singular.toLowerCase()} (#${String(other.id)}) has this ${labels}`;
        throw new AppError('CONFLICT', `Another ${resource.singular.toLowerCase()} (#${String(other.id)}) already has this ${labels}`, Object.fromEntries(fields.map((f) => [f, why])));
      }
    }
  }

  /**
   * References the database cannot judge for this caller: a reference must point at a row the
   * caller may reach (a practitioner books services for their own students only; a missing row and
   * an out-of-scope one get the same answer), every element of a declared soft reference must exist,
   * and a resource name must name a resource.
   */
  private async checkValueReferences(resource: ResourceMeta, values: Row, tx: Tx, caller: Caller): Promise<void> {
    const errors: Record<string, string> = {};
    for (const [key, value] of Object.entries(values)) {
      const field = resource.field.get(key)!;
      if (value === null || value === undefined) continue;
      if (field.reference && !field.readOnly) {
        const target = this.resources.get(field.reference.resource);
        const params = new Params();
        const scope = target ? caller.scope(target, params) : null;
        if (target && scope) {
          const found = await this.query(tx, `SELECT 1 FROM ${ident(target.name)} WHERE ${ident(field.reference.field)} = ${params.add(value)} AND (${scope})`, params.values);
          if (found.length === 0) errors[key] = 'refers to a record that does not exist or that you cannot reach';
        }
      }
      if (field.namesResource && !this.resources.has(value as string)) errors[key] = `must name a resource (e.g. ${[...this.resources.keys()].slice(1, 4).join(', ')})`;
      if (field.elementsReference && Array.isArray(value) && value.length > 0) {
        const target = field.elementsReference;
        const rows = await this.query(
          tx,
          `SELECT DISTINCT v FROM unnest($1::text[]) AS v WHERE NOT EXISTS (SELECT 1 FROM ${ident(target.resource)} t WHERE t.${ident(target.field)}::text = v)`,
          [value],
        );
        if (rows.length) errors[key] = `unknown ${this.resource(target.resource).singular.toLowerCase()}: ${rows.map((r) => r.v).join(', ')}`;
      }
    }
    if (Object.keys(errors).length) {
      const [first] = Object.entries(errors);
      throw new AppError('VALIDATION', `${first[0]} ${first[1]}`, errors);
    }
  }
}

export { serializeValue };
