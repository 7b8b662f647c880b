// `npm run bench`: the throughput of reads of an access-logged resource with their access records
// written, against the same server with the access log's writes skipped (unlogged.mjs). Runs
// alternate (logged, unlogged, logged, unlogged) so that the load of a shared machine falls on both.
import os from 'node:os';

/** Each read at each connection count: req/s and p99 with and without the access records. */
export async function measureAccessCost({ only, log, start, logged, run, reads, counts, rounds = 2 }) {
  const wanted = reads.filter(([name]) => !only || only.test(`access-logged vs not: ${name}`));
  if (wanted.length === 0) return [];
  const unlogged = await start();
  const rows = [];
  try {
    for (const [name, path] of wanted) {
      for (const connections of counts) {
        log(`access-logged vs not: ${name} (${connections} connections)`);
        const sides = { logged: [], unlogged: [] };
        for (let i = 0; i < rounds; i++) {
          sides.logged.push(await run(logged, { path: logged + path }, connections));
          sides.unlogged.push(await run(unlogged.origin, { path: unlogged.origin + path }, connections));
        }
        const mean = (xs, f) => xs.reduce((s, x) => s + f(x), 0) / xs.length;
        const side = (xs) => ({ rps: mean(xs, (x) => x.rps), p99: Math.max(...xs.map((x) => x.p99)), runs: xs.map((x) => Math.round(x.rps)), non2xx: xs.reduce((s, x) => s + x.non2xx, 0) });
        const l = side(sides.logged);
        const u = side(sides.unlogged);
        rows.push({ read: name, connections, logged: l, unlogged: u, ratio: l.rps / u.rps, load: os.loadavg()[0] });
        log(`  logged ${l.runs.join(', ')} req/s, not logged ${u.runs.join(', ')} req/s: ${((l.rps / u.rps) * 100).toFixed(0)} %`);
      }
    }
  } finally {
    unlogged.child.kill('SIGTERM');
  }
  return rows;
}

export function printAccessCost(rows) {
  if (rows.length === 0) return;
  console.log(`\nRecording reads (access-logged claims): the product against itself with the access log's writes skipped\n`);
  console.log(`| read | conns | logged req/s (runs) | p99 ms | not logged req/s (runs) | p99 ms | ratio (target 80 %) | load avg | non-2xx |`);
  console.log(`| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
  for (const r of rows) {
    const runs = (s) => `${Math.round(s.rps)} (${s.runs.join(', ')})`;
    console.log(`| ${r.read} | ${r.connections} | ${runs(r.logged)} | ${r.logged.p99} | ${runs(r.unlogged)} | ${r.unlogged.p99} | ${(r.ratio * 100).toFixed(0)} % | ${r.load.toFixed(1)} | ${r.logged.non2xx}/${r.unlogged.non2xx} |`);
  }
}
