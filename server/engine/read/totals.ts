import { countsExactly } from '../plan/plan-list.js';
import { ident } from '../plan/sql.js';

type Row = Record<string, unknown>;
type Query = (sql: string, values: unknown[]) => Promise<Row[]>;
export interface Estimate {
  rows: number;
  cost: number;
}

/** Table sizes, refreshed at most once a minute per table. */
const sizes = new Map<string, { rows: number; at: number }>();

/**
 * A table's rows as the statistics know them (pg_class.reltuples), or its partitions' together for a
 * partitioned one: autovacuum never analyzes a partitioned table itself, so its own figure stays
 * what the last manual ANALYZE found (an access log of 8,440 rows that had grown to 126,668).
 */
export async function tableRows(query: Query, table: string): Promise<number> {
  const known = sizes.get(table);
  if (known && Date.now() - known.at < 60_000) return known.rows;
  const [row] = await query(
    `SELECT greatest(coalesce((SELECT sum(greatest(c.reltuples, 0)) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = t.oid), 0), greatest(t.reltuples, 0))::bigint AS n
       FROM pg_class t WHERE t.oid = to_regclass($1)`,
    [ident(table)],
  );
  const rows = Number(row?.n ?? 0);
  sizes.set(table, { rows, at: Date.now() });
  return rows;
}

/** The planner's estimate of the rows of `FROM …` (a list's, the log's), and of the cost of reading them. */
export async function planEstimate(query: Query, from: string, values: unknown[]): Promise<Estimate> {
  const [plan] = await query(`EXPLAIN (FORMAT JSON) SELECT 1 ${from}`, values);
  const top = (plan['QUERY PLAN'] as { Plan: { 'Plan Rows': number; 'Total Cost': number } }[])[0].Plan;
  return { rows: Math.round(Number(top['Plan Rows'])), cost: Number(top['Total Cost']) };
}

/**
 * The count strategy of list totals, chosen per request: an exact count while the table is small,
 * or while the planner expects few matching rows and a cheap count (countsExactly); else the
 * planner's estimate. An exact count(*) over a million rows costs tens of milliseconds on every
 * page; the estimate, one plan.
 */
export class Totals {
  constructor(private readonly exactCountBelow: number) {}

  /** The planner's view of a list's matching rows, for a table large enough to ask (else null). */
  async estimate(sizeQuery: Query, query: Query, table: string, from: string, values: unknown[]): Promise<Estimate | null> {
    if ((await tableRows(sizeQuery, table)) < this.exactCountBelow) return null;
    return planEstimate(query, from, values);
  }

  /** `sizeQuery` reads the catalogue (the primary); `query` runs where the list is read; `known`, an estimate already made. */
  async total(sizeQuery: Query, query: Query, table: string, from: string, values: unknown[], known?: Estimate | null): Promise<{ total: number; approximate: boolean }> {
    const estimate = known !== undefined ? known : await this.estimate(sizeQuery, query, table, from, values);
    if (estimate && !countsExactly(estimate, this.exactCountBelow)) return { total: estimate.rows, approximate: true };
    const [count] = await query(`SELECT count(*)::bigint AS total ${from}`, values);
    return { total: Number(count.total), approximate: false };
  }
}
