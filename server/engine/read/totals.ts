import { countsExactly } from '../plan/plan-list.js';
import { ident } from '../plan/sql.js';

type Row = Record<string, unknown>;
type Query = (sql: string, values: unknown[]) => Promise<Row[]>;
export interface Estimate {
  rows: number;
  cost: number;
}

/**
 * The count strategy of list totals, chosen per request: an exact count while the table is small,
 * or while the planner expects few matching rows and a cheap count (countsExactly); else the
 * planner's estimate. An exact count(*) over a million rows costs tens of milliseconds on every
 * page; the estimate, one plan.
 */
export class Totals {
  /** Table sizes (pg_class.reltuples), refreshed at most once a minute per table. */
  private readonly sizes = new Map<string, { rows: number; at: number }>();

  constructor(private readonly exactCountBelow: number) {}

  private async tableSize(query: Query, table: string): Promise<number> {
    const known = this.sizes.get(table);
    if (known && Date.now() - known.at < 60_000) return known.rows;
    const [row] = await query(`SELECT greatest(reltuples, 0)::bigint AS n FROM pg_class WHERE oid = to_regclass($1)`, [ident(table)]);
    const rows = Number(row?.n ?? 0);
    this.sizes.set(table, { rows, at: Date.now() });
    return rows;
  }

  /** The planner's view of a list's matching rows, for a table large enough to ask (else null). */
  async estimate(sizeQuery: Query, query: Query, table: string, from: string, values: unknown[]): Promise<Estimate | null> {
    if ((await this.tableSize(sizeQuery, table)) < this.exactCountBelow) return null;
    const [plan] = await query(`EXPLAIN (FORMAT JSON) SELECT 1 ${from}`, values);
    const top = (plan['QUERY PLAN'] as { Plan: { 'Plan Rows': number; 'Total Cost': number } }[])[0].Plan;
    return { rows: Math.round(Number(top['Plan Rows'])), cost: Number(top['Total Cost']) };
  }

  /** `sizeQuery` reads the catalogue (the primary); `query` runs where the list is read; `known`, an estimate already made. */
  async total(sizeQuery: Query, query: Query, table: string, from: string, values: unknown[], known?: Estimate | null): Promise<{ total: number; approximate: boolean }> {
    const estimate = known !== undefined ? known : await this.estimate(sizeQuery, query, table, from, values);
    if (estimate && !countsExactly(estimate, this.exactCountBelow)) return { total: estimate.rows, approximate: true };
    const [count] = await query(`SELECT count(*)::bigint AS total ${from}`, values);
    return { total: Number(count.total), approximate: false };
  }
}
