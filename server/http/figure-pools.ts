import type { Pool } from 'pg';
import { AggregateRunner } from '../engine/aggregate/aggregate-runner.js';
import type { Budgets } from '../config/config.js';
import { Gate } from './budget.js';

/**
 * The dashboard's aggregates and the search across tables run on small pools of their own, each
 * with a statement timeout of its own: a count over a million claims, or a search's fan-out over
 * every table, never holds the serving pool's connections nor runs past its budget.
 */
export interface FigurePools {
  aggregates: AggregateRunner;
  search: Pool;
  /** Searches at once, per user and in all (beyond, 429): their parts queue for the search pool's connections. */
  searches: Gate;
  close(): Promise<void>;
}

export function figurePools(makePool: (options: object) => Pool, budgets: Budgets): FigurePools {
  const aggregatePool = makePool({ max: 2, min: 0, statement_timeout: budgets.aggregateTimeoutMs });
  const search = makePool({ max: 3, min: 0, statement_timeout: budgets.searchTimeoutMs });
  // An idle connection the database ends (a restart) must not crash the process.
  for (const [name, pool] of [['aggregates', aggregatePool], ['search', search]] as const) pool.on('error', (error) => console.warn(`${name} pool: ${error.message}`));
  return {
    aggregates: new AggregateRunner(aggregatePool, budgets.aggregateCacheMs),
    search,
    searches: new Gate('searches', { perUser: 10, total: 30 }, 1),
    close: async () => {
      await Promise.all([aggregatePool.end(), search.end()]);
    },
  };
}
