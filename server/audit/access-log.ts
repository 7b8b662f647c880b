import type { FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import type { Caller } from '../engine/caller.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import { AppError } from '../errors/app-error.js';
import { ident, Params } from '../engine/plan/sql.js';
import { createHash } from 'node:crypto';
import type { ACCESS_ACTIONS } from './access-log.sql.js';
import type { Alongside, Queryable } from '../engine/read/resource-reader.js';
import { SharedStatements } from '../db/shared-statements.js';

type AccessAction = (typeof ACCESS_ACTIONS)[number];

/** One row of access_log: one person's read of some records of one table. */
interface AccessEntry {
  userId: number;
  table: string;
  ids: number[];
  action: AccessAction;
  clientAddress: string | null;
  filter: unknown;
}

// The transaction takes its xid (txid_current, materialized first) before the rows take their ids
// from the sequence, as audit rows do inside the writing transaction: the sealer relies on it to
// know when every id below its horizon is final (server/audit/sealer.ts).
const INSERT = {
  name: 'access-log-insert',
  text: `WITH tx AS MATERIALIZED (SELECT txid_current())
    INSERT INTO access_log (user_id, table_name, record_ids, action, client_address, filter)
    SELECT r.user_id, r.table_name, r.record_ids, r.action, r.client_address, r.filter
      FROM tx, jsonb_to_recordset($1::jsonb) AS r(user_id integer, table_name text, record_ids bigint[], action text, client_address text, filter jsonb)`,
};

/**
 * The record of access: the read routes call `recordRead` once with the ids they are about to
 * answer, and answer only once it resolves. A read whose record cannot be written is refused
 * (503), never answered with a gap in the log.
 *
 * Concurrent requests share INSERTs (server/db/shared-statements.ts): one statement and one commit
 * for many reads' records. Reads go to replicas; these writes go to the primary.
 */
export class AccessLog {
  private failureLogged = 0;
  private readonly writes: SharedStatements<AccessEntry[], void>;

  constructor(
    private readonly pool: Pool,
    options: { maxInFlight: number; maxBatch: number } = { maxInFlight: 1, maxBatch: 500 },
  ) {
    this.writes = new SharedStatements((batch) => this.write(batch), {
      ...options,
      size: (entries) => entries.length,
      refused: (error, batch) => this.refused(error, batch.flat().length),
    });
  }

  /**
   * Records that the caller is about to receive these records of `resource`. Nothing is recorded
   * for a resource not declared `accessLogged`, for a caller who is not a person (no user id), or
   * for an answer without records (an empty page).
   */
  recordRead(req: FastifyRequest, caller: Caller, resource: ResourceMeta, action: AccessAction, ids: readonly unknown[], filter: unknown = null): Promise<void> {
    if (!resource.options.accessLogged) return Promise.resolve();
    return this.record(req, caller, [{ table: resource.name, ids, action, filter }]);
  }

  /**
   * A read of one record known by its id (a show, a history): the access record is written while
   * the read runs, not after it, so the read costs no extra round trip in sequence.
   *
   * Where the read runs on the primary anyway (no replicas, or a caller who just wrote), `readWith`
   * folds the record into the read's own statement (a data-modifying CTE, on this pool): written if
   * and only if the row is answered, in the read's snapshot, and a failure of either fails both (503).
   * One statement instead of two.
   *
   * Otherwise the INSERT runs beside the read and writes its row only if the record exists within
   * the caller's row scope on the primary, so a read answered 404 leaves no record; if the record
   * appeared between the two (the INSERT found nothing, the read did), it is recorded again in
   * sequence before the answer. A failed INSERT refuses the read (503) whatever the read gave.
   */
  async aroundRead<T>(
    req: FastifyRequest,
    caller: Caller,
    resource: ResourceMeta,
    action: AccessAction,
    id: number,
    read: () => Promise<T>,
    readWith?: (db: Queryable, alongside: Alongside) => Promise<T>,
  ): Promise<T> {
    if (!resource.options.accessLogged || caller.userId === null) return read();
    const userId = caller.userId;
    if (readWith) {
      const db: Queryable = { query: (sql, values) => this.pool.query(sql as string, values).catch((error: unknown) => Promise.reject(this.refused(error, 1))) };
      return readWith(db, (params, answered) => ({ after: `tx AS MATERIALIZED (SELECT txid_current()), logged AS (${this.insertOne(params, req, userId, resource, action, id)} WHERE EXISTS (SELECT 1 FROM ${answered}))` }));
    }
    const params = new Params();
    const insert = this.insertOne(params, req, userId, resource, action, id);
    const where = [`"id" = ${params.add(id, 'bigint')}`];
    const scope = caller.scope(resource, params);
    if (scope) where.push(`(${scope})`);
    const text = `WITH tx AS MATERIALIZED (SELECT txid_current()) ${insert} WHERE EXISTS (SELECT 1 FROM ${ident(resource.name)} WHERE ${where.join(' AND ')})`;
    const name = `access-one:${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    const [answer, written] = await Promise.allSettled([read(), this.pool.query({ name, text, values: params.values })]);
    if (written.status === 'rejected') throw this.refused(written.reason, 1);
    if (answer.status === 'rejected') throw answer.reason;
    if (written.value.rowCount === 0) await this.recordRead(req, caller, resource, action, [id]);
    return answer.value;
  }

  /** The INSERT of one read's record, up to its WHERE (which says when the row is written). */
  private insertOne(params: Params, req: FastifyRequest, userId: number, resource: ResourceMeta, action: AccessAction, id: number): string {
    const values = [params.add(userId, 'integer'), params.add(resource.name, 'text'), `ARRAY[${params.add(id, 'bigint')}]`, params.add(action, 'text'), params.add(req.ip ?? null, 'text')];
    return `INSERT INTO access_log (user_id, table_name, record_ids, action, client_address) SELECT ${values.join(', ')} FROM tx`;
  }

  /** Several tables at once (a document download is a read of the document and of its record). */
  record(req: FastifyRequest, caller: Caller, reads: { table: string; ids: readonly unknown[]; action: AccessAction; filter?: unknown }[]): Promise<void> {
    if (caller.userId === null) return Promise.resolve();
    const entries: AccessEntry[] = [];
    for (const read of reads) {
      const ids = read.ids.map(Number).filter((n) => Number.isSafeInteger(n));
      if (ids.length === 0) continue;
      entries.push({ userId: caller.userId, table: read.table, ids, action: read.action, clientAddress: req.ip ?? null, filter: emptyToNull(read.filter) });
    }
    if (entries.length === 0) return Promise.resolve();
    return this.writes.add(entries);
  }

  /** One INSERT for the entries of many reads. */
  private async write(batch: AccessEntry[][]): Promise<void[]> {
    const rows = batch.flat().map((e) => ({ user_id: e.userId, table_name: e.table, record_ids: e.ids, action: e.action, client_address: e.clientAddress, filter: e.filter }));
    await this.pool.query({ ...INSERT, values: [JSON.stringify(rows)] });
    return batch.map(() => undefined);
  }

  private refused(error: unknown, rows: number): AppError {
    if (Date.now() - this.failureLogged > 10_000) {
      this.failureLogged = Date.now();
      console.error(`access_log: ${rows} access records not written, their reads refused: ${(error as Error).message}`);
    }
    return new AppError('UNAVAILABLE', 'The read could not be recorded in the access log, so it was not answered; try again shortly', undefined, undefined, { 'Retry-After': '1' });
  }
}

function emptyToNull(filter: unknown): unknown {
  if (filter === undefined || filter === null) return null;
  if (typeof filter === 'object' && Object.keys(filter as object).length === 0) return null;
  return filter;
}

/**
 * An export's rows, each chunk recorded before it is handed on: no exported row leaves the server
 * without its access record, and a failure to write one ends the download there.
 */
export async function* recordedInChunks<T extends Record<string, unknown>>(rows: AsyncIterable<T>, write: (ids: unknown[]) => Promise<void>, chunk = 1000): AsyncGenerator<T> {
  let batch: T[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= chunk) {
      await write(batch.map((r) => r.id));
      yield* batch;
      batch = [];
    }
  }
  if (batch.length > 0) {
    await write(batch.map((r) => r.id));
    yield* batch;
  }
}
