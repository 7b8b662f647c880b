import type { Pool, QueryConfig } from 'pg';
import Cursor from 'pg-cursor';
import { AppError, notFound } from '../../errors/app-error.js';
import { translateDbError } from '../../errors/db-error.js';
import type { Reader, ReadRouter } from '../../db/read-router.js';
import type { Caller, ScopePurpose } from '../caller.js';
import type { FieldMeta, ResourceMeta } from '../metadata/resource-meta.js';
import { MAX_PAGE, type ListQuery } from '../params/parse-simple-rest.js';
import { FEW_MATCHES, heldColumns, indexSortedFields, planList, planMatchesPage, planPage, sortServed, UNINDEXED_SORT_MAX } from '../plan/plan-list.js';
import type { SortIndexes } from '../../db/sort-indexes.js';
import { ident, Params, statementName } from '../plan/sql.js';
import { recordSerializer } from '../serialize/serialize-record.js';
import { parseValue, sqlCast } from '../types/column-types.js';
import { Totals } from './totals.js';
import { visibleFilter, visibleFilters } from '../filter/visible-filter.js';

export interface ListResult {
  rows: Record<string, unknown>[];
  start: number;
  total: number;
  /** The total is the planner's estimate (above `exactCountBelow` rows), not a count. */
  approximate: boolean;
}

interface EngineOptions {
  /** Totals up to this many rows are counted exactly; above, the planner's estimate is answered. */
  exactCountBelow: number;
  /** Read replicas for list and show reads; without it every read is on the primary pool. */
  reads?: ReadRouter;
  /** The exports' own pool (their cursors outlive a page read by as long as the reader takes). */
  exportPool?: Pool;
  /** A pool on the primary whose sessions always take generic plans (generic-plan.ts); without it, each such read sets that in a transaction of its own. */
  genericPool?: Pool;
  /** The tables' btree indexes (db/sort-indexes.ts): a sort none serves is refused on many rows. Without it, every sort is run. */
  sortIndexes?: SortIndexes;
}

type Row = Record<string, unknown>;

/** What rides in a read's own statement (a session check, an access record). */
export interface AlongsideParts {
  /** CTEs before the read's. */
  before?: string;
  /** A condition the read's row must meet too. */
  gate?: string;
  /** CTEs after it (given the name of the read's CTE). */
  after?: string;
  /** Columns added to the answer, which then always has one row (`__answered` says if the read's is in it). */
  output?: string;
  /** Called with the answer's row before the record is presented (or found missing). */
  seen?: (row: Row | undefined) => Promise<void>;
}

/** `answered` names the CTE of the row(s) read. */
export type Alongside = (params: Params, answered: string) => AlongsideParts;

/** The pool, a transaction's client or a replica reader: anything that runs a query. */
export type Queryable = Pick<Reader, 'query'>;

/**
 * The engine's reads, planned from the metadata (plan/plan-list.ts) and presented through the
 * caller's field visibility: list pages and their totals, exports through a cursor, records by id.
 * The writes (execute.ts) build on these: a write reads its row locked, through the same scope.
 */
export class ResourceReader {
  constructor(
    readonly pool: Pool,
    readonly resources: Map<string, ResourceMeta>,
    readonly options: EngineOptions = { exactCountBelow: 20_000 },
  ) {
    this.totals = new Totals(options.exactCountBelow);
  }

  private readonly totals: Totals;

  /** Where this caller's list and show reads go (a replica, unless they just wrote). */
  reader(caller: Caller): Reader {
    return this.options.reads ? this.options.reads.for(caller.recentWriter) : this.pool;
  }

  /** Every read goes to the primary (no replicas): a read may then write beside it in its statement. */
  get primaryOnly(): boolean {
    return !this.options.reads || this.options.reads.replicas === 0;
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
  present(resource: ResourceMeta, row: Row, caller: Caller): Row {
    return this.presenter(resource, caller)(row);
  }

  /** `present` for the rows of one answer: the fields and their conversions chosen once. */
  presenter(resource: ResourceMeta, caller: Caller): (row: Row) => Row {
    const serialize = recordSerializer(this.shown(resource, caller));
    return (row) => this.cut(resource, row, serialize(row), caller);
  }

  private cut(resource: ResourceMeta, row: Row, out: Row, caller: Caller): Row {
    const filters = resource.options.recordFilters;
    if (filters) {
      const target = this.resources.get(String(row[filters.table]));
      for (const column of filters.columns) if (column in out) out[column] = visibleFilter(target, out[column], caller);
    }
    const images = resource.options.recordImages;
    if (!images) return out;
    const target = this.resources.get(String(row[images.table]));
    for (const column of images.images) {
      const image = out[column] as Row | null | undefined;
      if (!image || typeof image !== 'object') continue;
      const seen = Object.fromEntries(
        Object.entries(image).filter(([name]) => {
          const field = target?.field.get(name);
          return target ? !!field && caller.sees(target, field) : false;
        }),
      );
      // An image of a row that holds a filter (a saved view's) is cut as that row is.
      out[column] = visibleFilters(this.resources, target, seen, caller);
    }
    return out;
  }

  /** The fields this caller sees, chosen once per answer (not per row). */
  protected shown(resource: ResourceMeta, caller: Caller): FieldMeta[] {
    return resource.fields.filter((f) => caller.sees(resource, f));
  }

  protected columns(resource: ResourceMeta, caller: Caller): string {
    return this.shown(resource, caller).map((f) => ident(f.name)).join(', ');
  }

  protected scoped(resource: ResourceMeta, caller: Caller, params: Params, where: string[], purpose: ScopePurpose = 'read'): string {
    const scope = caller.scope(resource, params, purpose);
    const all = scope ? [...where, `(${scope})`] : where;
    return all.length ? `WHERE ${all.join(' AND ')}` : '';
  }

  async list(resource: ResourceMeta, query: ListQuery, caller: Caller): Promise<ListResult> {
    const plan = planList(resource, query, caller);
    const start = query.range?.start ?? 0;
    const limit = query.range ? query.range.end - query.range.start + 1 : MAX_PAGE;
    // Named by its text: a list's shape (filter keys, sort, page size) recurs with other values,
    // so each connection plans it once...
    // ...except searches: a generic plan cannot see the ILIKE pattern, and would give up the trigram index.
    const searching = Object.keys(query.filter).some((k) => k === 'q' || k.endsWith('_like'));
    const db = this.reader(caller);
    const sizeQuery = (sql: string, v: unknown[]) => this.query(this.pool, sql, v);
    const listQuery = (sql: string, v: unknown[]) => this.query(db, sql, v);
    // A search asks first how many rows it matches: a few are read as matches first (planMatchesPage).
    // So does a sort no index serves: it sorts every matching row, so it is refused on many.
    const indexes = this.options.sortIndexes?.get(resource.name) ?? [];
    const sorted = query.sort ? resource.field.get(query.sort.field) : undefined;
    const unindexed = !!this.options.sortIndexes && !!sorted && !sortServed(indexes, sorted, heldColumns(resource, query.filter));
    const estimate = searching || unindexed ? await this.totals.estimate(sizeQuery, listQuery, resource.name, plan.from, plan.params.values) : undefined;
    if (unindexed && estimate && estimate.rows > UNINDEXED_SORT_MAX) throw unindexedSort(resource, sorted, estimate.rows, indexSortedFields(resource, indexes, plan.visible));
    const page = estimate && estimate.rows < FEW_MATCHES ? planMatchesPage(plan, start, limit) : planPage(plan, start, limit);
    const rowsSql = searching ? page.text : { name: `list:${statementName(page.text)}`, text: page.text };
    const [rows, count] = await Promise.all([this.query(db, rowsSql, page.values), this.totals.total(sizeQuery, listQuery, resource.name, plan.from, plan.params.values, estimate)]);
    return { rows: rows.map(this.presenter(resource, caller)), start, ...count };
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
    const client = await (this.options.exportPool ?? this.reader(caller)).connect().catch((e: unknown) => {
      throw this.translate(e);
    });
    const cursor = client.query(new Cursor(select, values));
    const present = this.presenter(resource, caller);
    try {
      for (;;) {
        const rows: Row[] = await cursor.read(1000).catch((e: unknown) => {
          throw this.translate(e);
        });
        if (rows.length === 0) break;
        for (const row of rows) yield present(row);
      }
    } finally {
      await cursor.close().catch(() => undefined);
      client.release();
    }
  }

  /**
   * A record by id as this caller may see it. `alongside` adds a data-modifying CTE to the same
   * statement (the read's access record, server/audit/access-log.ts): given the name of the CTE
   * holding the answered row, it returns its own CTEs, which run in the read's snapshot and commit
   * or fail with it.
   */
  async getOne(resource: ResourceMeta, id: number, caller: Caller, db: Queryable = this.pool, lock = false, alongside?: Alongside): Promise<Row> {
    const params = new Params();
    const parts = alongside?.(params, 'answered');
    // A locked read is the first step of a change: it takes the write scope.
    const where = this.scoped(resource, caller, params, [`"id" = ${params.add(id)}`, ...(parts?.gate ? [parts.gate] : [])], lock ? 'write' : 'read');
    const select = `SELECT ${this.columns(resource, caller)} FROM ${ident(resource.name)} ${where}${lock ? ' FOR UPDATE' : ''}`;
    const text = parts ? withAlongside(select, parts) : select;
    // Unscoped reads by id are the same few statements again and again: prepare them once per
    // connection (a scoped one differs per caller, so it stays unnamed). A read with its access
    // record differs only by the caller's scope text, a handful per resource: prepared too.
    const named = params.values.length === 1 || alongside ? { name: `one:${statementName(text)}`, text } : text;
    const rows = await this.query(db, named, params.values);
    await parts?.seen?.(rows[0]);
    if (rows.length === 0 || (parts?.output && rows[0].__answered !== true)) throw notFound(`${resource.singular} ${id} not found`);
    return this.present(resource, rows[0], caller);
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
}

/** The refusal of a sort no index serves, with the fields that do sort at any size. */
function unindexedSort(resource: ResourceMeta, field: FieldMeta, rows: number, instead: FieldMeta[]): AppError {
  const about = Math.round(rows / 1000) * 1000;
  const others = instead.map((f) => f.label).join(', ');
  return new AppError(
    'BAD_REQUEST',
    `${resource.label} cannot be sorted by ${field.label} across about ${about.toLocaleString('en-US')} rows: no index serves that order, so every page would sort them all. ` +
      `Filter the list to fewer than ${UNINDEXED_SORT_MAX.toLocaleString('en-US')} rows first${others ? `, or sort by ${others}` : ''}.`,
    { sort: `not index-served on more than ${UNINDEXED_SORT_MAX.toLocaleString('en-US')} rows` },
  );
}

/** A read's statement with what rides in it: its CTE `answered` between the others' CTEs. */
function withAlongside(select: string, parts: AlongsideParts): string {
  const ctes = [parts.before, `answered AS (${select})`, parts.after].filter(Boolean).join(', ');
  if (!parts.output) return `WITH ${ctes} SELECT * FROM answered`;
  return `WITH ${ctes} SELECT answered.*, EXISTS (SELECT 1 FROM answered) AS "__answered", ${parts.output} FROM (SELECT 1) AS one LEFT JOIN answered ON true`;
}
