// `npm run bench -- --claims 1000000`: builds (or reuses) a benchmark database, starts the product in
// production mode and the bare baseline (test/bench/baseline.mjs), and measures both with autocannon
// at the same concurrency, scenario by scenario. Prints a table and writes bench/results.json.
import 'reflect-metadata';
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { freePort, startEmbeddedPostgres } from '../../dist/server/db/embedded-postgres.js';
import { connect, migrate } from '../../dist/server/db/database.js';
import { inUnitOfWork } from '../../dist/server/db/unit-of-work.js';
import { seed } from '../../dist/server/seed/seed.js';
import { ensureSystemUser } from '../../dist/server/db/system-user.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CLAIMS = arg('claims', 1_000_000);
const DURATION = arg('duration', 10);
const CONNECTIONS = arg('connections', 10);
const log = (...a) => console.error('[bench]', ...a);

// 1. The database: embedded under .data/bench-<claims> (kept between runs), or BENCH_DATABASE_URL.
let url = process.env.BENCH_DATABASE_URL;
let embedded;
if (!url) {
  embedded = await startEmbeddedPostgres({ dataDir: path.resolve(`.data/bench-${CLAIMS}`), port: await freePort(), log: () => undefined });
  url = embedded.url;
}
const stopAll = [];
const cleanup = async () => {
  for (const stop of stopAll.reverse()) await stop().catch(() => undefined);
  await embedded?.stop();
};
process.on('SIGINT', () => cleanup().then(() => process.exit(130)));
process.on('uncaughtException', (error) => {
  console.error(error);
  cleanup().then(() => process.exit(1));
});

try {
  const db = await connect(url);
  await migrate(db);
  const have = Number((await db.pool.query('SELECT count(*) FROM claim')).rows[0].count);
  if (have < CLAIMS) {
    log(`seeding ${CLAIMS} claims (once; the database is kept under .data/bench-${CLAIMS})`);
    const t = Date.now();
    await seed(db, { scale: CLAIMS, log });
    log(`seeded in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  // 2,000,000 audit rows per million claims: top up with audited edits of claims.
  const auditTarget = CLAIMS * 2;
  let audit = Number((await db.pool.query(`SELECT reltuples::bigint AS n FROM pg_class WHERE relname = 'audit_log'`)).rows[0].n);
  if (audit < auditTarget * 0.98) audit = Number((await db.pool.query('SELECT count(*) FROM audit_log')).rows[0].count);
  if (audit < auditTarget) {
    const system = await ensureSystemUser(db.pool);
    const missing = auditTarget - audit;
    log(`adding ${missing} audited edits to reach ${auditTarget} audit rows`);
    for (let start = 1; start <= missing; start += 50_000) {
      await inUnitOfWork(db.pool, { userId: system, reason: 'bench history' }, (tx) =>
        tx.query(`UPDATE claim SET carelon_id = 'BENCH' || id, updated_at = now() WHERE id BETWEEN $1 AND $2`, [start, Math.min(missing, start + 49_999)]),
      );
    }
  }
  log('VACUUM ANALYZE');
  await db.pool.query('VACUUM ANALYZE');
  const sizes = (await db.pool.query(`SELECT (SELECT count(*) FROM claim) AS claims, (SELECT count(*) FROM student) AS students, (SELECT count(*) FROM audit_log) AS audit`)).rows[0];
  const sample = (await db.pool.query(`SELECT status, district FROM claim WHERE id = 1`)).rows[0];
  const student = (await db.pool.query(`SELECT last_name FROM student WHERE id = 7`)).rows[0];
  // updated_at as the API spells it (ISO 8601, microseconds kept): the lock compares it exactly.
  const targets = (await db.pool.query(`SELECT id, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS updated_at FROM claim WHERE id > $1 ORDER BY id LIMIT 200000`, [Math.floor(CLAIMS / 2)])).rows;
  const many = Array.from({ length: 25 }, (_, i) => 1 + ((i * 7919) % CLAIMS));
  await db.close();

  // 2. The product (production mode) and the baseline, as separate processes.
  // The product runs with the same Node flags as `npm start` (package.json "start").
  const startFlags = (JSON.parse(readFileSync('package.json', 'utf8')).scripts.start.match(/node ((?:--[\w-]+=\S+ )*)dist\/server\/main\.js/)?.[1] ?? '').trim().split(' ').filter(Boolean);
  const start = (script, env) =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      const child = spawn(process.execPath, [...(script.includes('main.js') ? startFlags : []), script], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
      stopAll.push(() => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }));
      const poll = async () => {
        try {
          const res = await fetch(`http://127.0.0.1:${env.PORT}/${env.HEALTH}`);
          if (res.status < 500) return resolve({ child, ms: performance.now() - t0 });
        } catch {}
        if (child.exitCode !== null) return reject(new Error(`${script} exited`));
        setTimeout(poll, 25);
      };
      poll();
    });
  const [appPort, basePort] = [await freePort(), await freePort()];
  const app = await start('dist/server/main.js', { DATABASE_URL: url, NODE_ENV: 'production', PORT: String(appPort), HOST: '127.0.0.1', JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123', HEALTH: 'api/health', DATA_DIR: path.resolve('.data/bench-app') });
  const base = await start('test/bench/baseline.mjs', { DATABASE_URL: url, PORT: String(basePort), HEALTH: 'nothing' });
  const login = await fetch(`http://127.0.0.1:${appPort}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@demo.kcsos.invalid', password: 'admin-demo-pass' }) });
  const { token, user } = await login.json();
  const auth = { authorization: `Bearer ${token}` };
  const A = `http://127.0.0.1:${appPort}/api`;
  const B = `http://127.0.0.1:${basePort}`;
  const enc = (v) => encodeURIComponent(JSON.stringify(v));
  let next = 0;
  const nextTarget = () => targets[next++ % targets.length];
  const uniq = () => `BENCH-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;

  const scenarios = [
    ['list: 25 claims by id, with total', { path: `${A}/claim?sort=${enc(['id', 'ASC'])}&range=${enc([0, 24])}` }, { path: `${B}/list` }],
    ['filter: status + district by service_date, with total', { path: `${A}/claim?filter=${enc({ status: sample.status, district: sample.district })}&sort=${enc(['service_date', 'ASC'])}&range=${enc([0, 24])}` }, { path: `${B}/filter?status=${encodeURIComponent(sample.status)}&district=${encodeURIComponent(sample.district)}` }],
    ['search: q on students', { path: `${A}/student?filter=${enc({ q: student.last_name.slice(0, 4) })}&range=${enc([0, 24])}` }, { path: `${B}/search?q=${encodeURIComponent(student.last_name.slice(0, 4))}` }],
    ['getOne claim', { path: `${A}/claim/${many[3]}` }, { path: `${B}/one?id=${many[3]}` }],
    ['getMany 25 claims', { path: `${A}/claim?filter=${enc({ id: many })}` }, { path: `${B}/many?ids=${many.join(',')}` }],
    ['history of a claim', { path: `${A}/claim/2/history` }, { path: `${B}/history?id=2` }],
    [
      'update: PUT with lock, one audit row',
      { method: 'PUT', setupRequest: (req) => { const t = nextTarget(); return { ...req, path: `/api/claim/${t.id}`, body: JSON.stringify({ carelon_id: uniq().slice(0, 20), updated_at: t.updated_at }) }; } },
      { method: 'POST', setupRequest: (req) => ({ ...req, path: `/update?id=${nextTarget().id}`, body: JSON.stringify({ carelon_id: uniq().slice(0, 20), user: user.id }) }) },
    ],
    [
      'create: POST claim',
      { method: 'POST', setupRequest: (req) => ({ ...req, path: '/api/claim', body: JSON.stringify({ claim_number: uniq(), status: 'Incomplete', district: 'Kern High School District' }) }) },
      { method: 'POST', setupRequest: (req) => ({ ...req, path: '/create', body: JSON.stringify({ user: user.id }) }) },
    ],
  ];

  const run = async (origin, spec, headers) => {
    const { path: p, method = 'GET', setupRequest } = spec;
    const target = p ? new URL(p) : new URL(origin);
    const result = await autocannon({
      url: target.origin,
      connections: CONNECTIONS,
      duration: DURATION,
      headers: { ...headers, 'content-type': 'application/json' },
      requests: [setupRequest ? { method, setupRequest } : { method, path: target.pathname + target.search }],
    });
    return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
  };

  const rows = [];
  for (const [name, product, baseline] of scenarios) {
    log(name);
    const p = await run(A, product, auth);
    const b = await run(B, baseline, {});
    rows.push({ scenario: name, product: p, baseline: b, ratio: p.rps / b.rps });
  }
  const status = readFileSync(`/proc/${app.child.pid}/status`, 'utf8');
  const peakRssMb = Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024;
  const assets = path.resolve('admin/dist/assets');
  const bundleKb = readdirSync(assets).filter((f) => f.endsWith('.js')).reduce((s, f) => s + gzipSync(readFileSync(path.join(assets, f))).length, 0) / 1024;

  const pad = (s, n) => String(s).padEnd(n);
  const num = (n, d = 0) => n.toFixed(d).padStart(8);
  console.log(`\n${CLAIMS.toLocaleString('en-US')} claims, ${Number(sizes.students).toLocaleString('en-US')} students, ${Number(sizes.audit).toLocaleString('en-US')} audit rows; ${CONNECTIONS} connections, ${DURATION} s per run\n`);
  console.log(`${pad('scenario', 44)}${pad('  product req/s   p50   p99', 30)}${pad('  baseline req/s   p50   p99', 30)}  ratio  non-2xx`);
  for (const r of rows) {
    console.log(`${pad(r.scenario, 44)}${num(r.product.rps)}${num(r.product.p50, 1)}${num(r.product.p99, 1)}    ${num(r.baseline.rps)}${num(r.baseline.p50, 1)}${num(r.baseline.p99, 1)}   ${(r.ratio * 100).toFixed(0).padStart(3)} %  ${r.product.non2xx}/${r.baseline.non2xx}`);
  }
  console.log(`\nserver peak RSS ${peakRssMb.toFixed(0)} MB; start to first answer ${app.ms.toFixed(0)} ms; console JavaScript ${bundleKb.toFixed(0)} kB gzipped`);
  mkdirSync('bench', { recursive: true });
  writeFileSync('bench/results.json', JSON.stringify({ at: new Date().toISOString(), claims: CLAIMS, students: Number(sizes.students), auditRows: Number(sizes.audit), connections: CONNECTIONS, durationSeconds: DURATION, scenarios: rows, peakRssMb, startMs: app.ms, bundleKbGzip: bundleKb }, null, 2));
  console.log('wrote bench/results.json');
} finally {
  await cleanup();
}
process.exit(0);
