// BENCH_STATEMENTS=1: where PostgreSQL's time goes per request, statement by statement, for the
// product and for the baseline in each scenario, from pg_stat_statements (shipped with the embedded
// PostgreSQL, loaded for the benchmark's run only). Execution and planning time are PostgreSQL's
// own clock inside each statement: they include waiting for a core when the machine is busy, and
// leave out the protocol, parsing and commit around it. Only statements sent by a client count
// (not those run inside a function, which their caller's time includes), background work (the
// sealer, the partition keeper) included: it is part of what a request costs.
import pg from 'pg';

export const statementSettings = {
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.track': 'top',
  'pg_stat_statements.track_planning': 'on',
  'pg_stat_statements.max': '2000',
};

/** A meter over the benchmark's database: `start()` before a run, and its result's `read(requests)` after. */
export async function statementMeter(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  return {
    async start() {
      await client.query('SELECT pg_stat_statements_reset()');
      return {
        /** The statements by time per request (µs), the costliest first, with calls per request. */
        async read(requests) {
          const { rows } = await client.query(
            `SELECT regexp_replace(query, '\\s+', ' ', 'g') AS query, calls, total_exec_time AS exec, total_plan_time AS plan
               FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time + total_plan_time DESC`,
          );
          const per = (ms) => (ms * 1000) / Math.max(requests, 1);
          const statements = rows.map((r) => ({ query: r.query, perRequest: Number(r.calls) / Math.max(requests, 1), execUs: per(r.exec), planUs: per(r.plan) }));
          return { totalUs: statements.reduce((n, s) => n + s.execUs + s.planUs, 0), statements };
        },
      };
    },
    close: () => client.end(),
  };
}

/** Each scenario's PostgreSQL time per request, product beside baseline, its costliest statements named. */
export function printStatements(rows, top = 8) {
  const measured = rows.filter((r) => r.product.statements);
  if (measured.length === 0) return;
  console.log('\nPostgreSQL time per request by statement (µs, execution + planning; calls per request), product | baseline:');
  const short = (q) => (q.length > 90 ? `${q.slice(0, 90)}…` : q);
  const cell = (s) => (s ? `${(s.execUs + s.planUs).toFixed(1)} (${s.perRequest.toFixed(2)})` : '-').padStart(14);
  for (const r of measured) {
    const [p, b] = [r.product.statements, r.baseline.statements];
    console.log(`\n${r.scenario} (${r.connections} connections): ${p.totalUs.toFixed(0)} | ${b.totalUs.toFixed(0)}`);
    const base = new Map(b.statements.map((s) => [s.query, s]));
    const seen = new Set();
    for (const s of p.statements.slice(0, top)) {
      seen.add(s.query);
      console.log(`  ${cell(s)} | ${cell(base.get(s.query))}  ${short(s.query)}`);
    }
    for (const s of b.statements.slice(0, top).filter((s) => !seen.has(s.query))) console.log(`  ${cell()} | ${cell(s)}  ${short(s.query)}`);
  }
}
