import type { Pool } from 'pg';
import { translateDbError } from '../../errors/db-error.js';
import type { AggregatePlan } from './plan-aggregate.js';
import { MAX_GROUPS } from './plan-aggregate.js';

interface AggregateRow {
  keys: unknown[];
  count: number;
  sums: Record<string, string>;
}

interface AggregateResult {
  group: AggregatePlan['group'];
  sum: AggregatePlan['sum'];
  rows: AggregateRow[];
  /** More than MAX_GROUPS groups matched: the first ones are answered. */
  truncated: boolean;
  /** When the figures were counted (they are kept for `ttlMs`). */
  counted_at: string;
}

/**
 * Runs aggregates on a pool of their own (a statement timeout of its own, a few connections, so
 * counting a million rows never takes the serving pool) and keeps each answer for a short while.
 * An answer is kept by its SQL text and values, which hold the caller's whole reach (filter, row
 * scope, visible fields): two callers share an answer only when they would count the same rows.
 * Concurrent asks for the same figure wait for one query.
 */
export class AggregateRunner {
  private readonly kept = new Map<string, { at: number; result: Promise<AggregateResult> }>();

  constructor(
    private readonly pool: Pool,
    private readonly ttlMs = 60_000,
    private readonly maxKept = 500,
  ) {}

  run(plan: AggregatePlan): Promise<AggregateResult> {
    const key = `${plan.text}\u0000${JSON.stringify(plan.values)}`;
    const now = Date.now();
    const hit = this.kept.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.result;
    const result = this.count(plan);
    this.kept.delete(key);
    this.kept.set(key, { at: now, result });
    // A failure (a timeout) is not kept: the next ask tries again.
    result.catch(() => this.kept.get(key)?.result === result && this.kept.delete(key));
    while (this.kept.size > this.maxKept) this.kept.delete(this.kept.keys().next().value!);
    return result;
  }

  private async count(plan: AggregatePlan): Promise<AggregateResult> {
    let rows: Record<string, unknown>[];
    try {
      rows = (await this.pool.query(plan.text, plan.values)).rows;
    } catch (error) {
      throw translateDbError(error) ?? error;
    }
    return {
      group: plan.group,
      sum: plan.sum,
      rows: rows.slice(0, MAX_GROUPS).map((r) => ({
        keys: plan.group.map((_, i) => r[`g${i}`] ?? null),
        count: Number(r.count),
        sums: Object.fromEntries(plan.sum.map((s) => [s.field, String(r[`sum_${s.field}`])])),
      })),
      truncated: rows.length > MAX_GROUPS,
      counted_at: new Date().toISOString(),
    };
  }
}
