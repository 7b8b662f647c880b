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
import { AuditSealer } from '../../dist/server/audit/sealer.js';
import { resolveResources } from '../../dist/server/engine/metadata/resolve-metadata.js';
import { FEW_MATCHES, planList, planMatchesPage, planPage } from '../../dist/server/engine/plan/plan-list.js';
import { planListAsOf } from '../../dist/server/audit/as-of.query.js';
import { userCaller } from '../../dist/server/auth/policy.js';
import { PermissionCache } from '../../dist/server/auth/permission-cache.js';
import { roleNamed } from '../../dist/server/schema/roles.js';
import os from 'node:os';
import { cpuMeter } from './cpu.mjs';
import { measureAccessCost, printAccessCost } from './access-cost.mjs';
import { figureQueries, searchQueries } from './figures.mjs';
import { printStatements, statementMeter, statementSettings } from './statements.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CLAIMS = arg('claims', 1_000_000);
const DURATION = arg('duration', 10);
/**
 * Runs of each side per scenario (`--rounds 3`): the product and the baseline take turns, the one
 * going first alternating, and each side's median run is reported (the ratio's range over the
 * rounds beside it). One run each on the shared 2-core machine swung a ratio from 48 to 96 %.
 */
const ROUNDS = arg('rounds', 1);
const CONNECTIONS = arg('connections', 10);
/** The low concurrency at which reads and writes by id are measured too (one user clicking). */
const FEW = arg('few', 2);
const log = (...a) => console.error('[bench]', ...a);

// 1. The database: embedded under .data/bench-<claims> (kept between runs), or BENCH_DATABASE_URL.
let url = process.env.BENCH_DATABASE_URL;
let embedded;
if (!url) {
  // BENCH_STATEMENTS=1: PostgreSQL's time per request by statement (statements.mjs).
  const settings = process.env.BENCH_STATEMENTS ? statementSettings : undefined;
  embedded = await startEmbeddedPostgres({ dataDir: path.resolve(`.data/bench-${CLAIMS}`), port: await freePort(), settings, log: () => undefined });
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
  const system = await ensureSystemUser(db.pool);
  // Claims created by earlier runs (no student, no service date) would pile up at the top of the
  // newest-first lists run after run: removed, so every run measures the same data.
  await inUnitOfWork(db.pool, { userId: system, reason: 'bench: remove claims of earlier runs' }, (tx) =>
    tx.query(`DELETE FROM claim WHERE claim_number LIKE 'BENCH-%' OR claim_number LIKE 'BASE-%'`),
  );
  // Time travel needs a past: a database built in one sitting has every event at the time it was
  // built. Once, its history is spread out as a product's would be: the seed's events (the rows'
  // creation) 75 to 46 days ago, the top-up edits over the last 45 days, each in id order. This is
  // the one place anything rewrites audit_log, on the benchmark's own database only (its
  // append-only triggers are off for the statement; its hash chain no longer verifies).
  const aged = (await db.pool.query(`SELECT min(occurred_at) < now() - interval '40 days' AS aged FROM audit_log`)).rows[0].aged;
  if (!aged) {
    log('spreading the history over the last 75 days (once)');
    await db.pool.query(`SELECT audit_log_create_partition((date_trunc('month', now()) - make_interval(months => m))::date) FROM generate_series(1, 3) AS m`);
    await db.pool.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
    try {
      for (const [where, from, days] of [[`reason IS DISTINCT FROM 'bench history'`, 75, 29], [`reason = 'bench history'`, 45, 45]]) {
        await db.pool.query(
          `WITH span AS (SELECT min(id) AS lo, greatest(max(id) - min(id), 1) AS n FROM audit_log WHERE ${where})
           UPDATE audit_log SET occurred_at = now() - make_interval(days => ${from}) + ((audit_log.id - span.lo)::float8 / span.n) * make_interval(days => ${days}) FROM span WHERE ${where}`,
        );
      }
    } finally {
      await db.pool.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
    }
  }
  // A running product seals its logs' rows into their hash chains as they commit; a database seeded
  // in one sitting has them all unsealed, and the product's sealer would spend its first minutes of
  // every run catching up (at 1M claims: 0.9 ms of PostgreSQL per list request, half of its CPU).
  // Sealed here first, so each scenario measures the product in its steady state.
  log('sealing the logs into their hash chains');
  const sealedRows = await new AuditSealer(db.pool, { everyMs: 1000, batch: 20_000, warn: log }).catchUp();
  if (sealedRows) log(`sealed ${sealedRows} rows`);
  // Practitioners do not list claims by default; the benchmark grants it (as an admin may, in the
  // matrix) to measure the practitioner's scoped claim list.
  await inUnitOfWork(db.pool, { userId: system, reason: 'bench: practitioners list their claims' }, (tx) =>
    tx.query(`UPDATE permission_item SET practitioner = true WHERE name IN ('claim.list', 'claim.show') AND practitioner IS DISTINCT FROM true`),
  );
  log('VACUUM ANALYZE');
  await db.pool.query('VACUUM ANALYZE');
  const sizes = (await db.pool.query(`SELECT (SELECT count(*) FROM claim) AS claims, (SELECT count(*) FROM student) AS students, (SELECT count(*) FROM audit_log) AS audit`)).rows[0];
  const sample = (await db.pool.query(`SELECT status, district FROM claim WHERE id = 1`)).rows[0];
  const student = (await db.pool.query(`SELECT last_name FROM student WHERE id = 7`)).rows[0];
  // updated_at as the API spells it (ISO 8601, microseconds kept): the lock compares it exactly.
  const targets = (await db.pool.query(`SELECT id, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS updated_at FROM claim WHERE id > $1 ORDER BY id LIMIT 200000`, [Math.floor(CLAIMS / 2)])).rows;
  const many = Array.from({ length: 25 }, (_, i) => 1 + ((i * 7919) % CLAIMS));
  const pastDay = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10);
  const day = (await db.pool.query(`SELECT to_char(occurred_at, 'YYYY-MM-DD') AS day FROM audit_log WHERE table_name = 'claim' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`)).rows[0].day;

  // The lists users click, planned by the product's own planner for a caller of each role, so the
  // baseline sends exactly the SQL the product sends (a JSON file that baseline.mjs reads).
  const resources = resolveResources(db.orm.getMetadata().getAll().values());
  const version = (await db.pool.query('SELECT version FROM permission_matrix_version')).rows[0].version;
  const matrix = new PermissionCache(db.pool);
  const callerOf = async (email) => {
    const user = (await db.pool.query(`SELECT id, first_name, last_name, email, role, districts FROM app_user WHERE email = $1`, [email])).rows[0];
    return userCaller(user, roleNamed(user.role), await matrix.granted(roleNamed(user.role), String(version)), resources);
  };
  const roles = {
    admin: await callerOf('admin@demo.kcsos.invalid'),
    district: await callerOf('district.admin@demo.kcsos.invalid'),
    practitioner: await callerOf('practitioner@demo.kcsos.invalid'),
  };
  const lists = {
    plain: { resource: 'claim', filter: {}, sort: ['id', 'ASC'] },
    newest: { resource: 'claim', filter: {}, sort: ['id', 'DESC'] },
    byDateDesc: { resource: 'claim', filter: {}, sort: ['service_date', 'DESC'] },
    filter: { resource: 'claim', filter: { status: sample.status, district: sample.district }, sort: ['service_date', 'ASC'] },
    filterDesc: { resource: 'claim', filter: { status: sample.status, district: sample.district }, sort: ['service_date', 'DESC'] },
    district: { resource: 'claim', filter: {}, sort: ['id', 'DESC'], role: 'district' },
    districtByDate: { resource: 'claim', filter: {}, sort: ['service_date', 'DESC'], role: 'district' },
    practitioner: { resource: 'claim', filter: {}, sort: ['id', 'DESC'], role: 'practitioner' },
    practitionerByDate: { resource: 'claim', filter: {}, sort: ['service_date', 'DESC'], role: 'practitioner' },
    deep: { resource: 'claim', filter: {}, sort: ['service_date', 'DESC'], start: 399 * 25 },
    // As the audit trail lists it: newest first by time (admin/src/audit/AuditBrowser.tsx).
    audit: { resource: 'audit_log', filter: { table_name: 'claim', occurred_at: day }, sort: ['occurred_at', 'DESC'] },
    search: { resource: 'student', filter: { q: student.last_name.slice(0, 4) }, sort: ['id', 'DESC'] },
    many: { resource: 'claim', filter: { id: many }, sort: ['id', 'ASC'] },
    // Time travel: lists as they stood on a day in the last month (the default order, newest first).
    asOfClaims: { resource: 'claim', filter: {}, sort: ['id', 'DESC'], asOf: pastDay },
    asOfFeeCodes: { resource: 'fee_schedule_code', filter: {}, sort: ['id', 'DESC'], asOf: pastDay },
    asOfModifiers: { resource: 'modifier', filter: {}, sort: ['id', 'DESC'], asOf: pastDay },
    asOfPractitionerTypes: { resource: 'practitioner_type', filter: {}, sort: ['id', 'DESC'], asOf: pastDay },
    asOfBillingCodes: { resource: 'billing_code', filter: {}, sort: ['id', 'DESC'], asOf: pastDay },
  };
  const queries = {};
  for (const [name, l] of Object.entries(lists)) {
    const sort = { field: l.sort[0], order: l.sort[1] };
    if (l.asOf) {
      const start = l.start ?? 0;
      const plan = planListAsOf(resources.get(l.resource), { filter: l.filter, sort, range: { start, end: start + 24 } }, { text: l.asOf, dateOnly: true }, roles[l.role ?? 'admin']);
      queries[name] = { page: { text: plan.text, values: plan.values }, from: plan.from, values: plan.fromValues };
      continue;
    }
    const plan = planList(resources.get(l.resource), { filter: l.filter, sort, range: null }, roles[l.role ?? 'admin']);
    // A search the planner expects to match few rows is read as its matches first, as the product does.
    const few = 'q' in l.filter && (await db.pool.query(`EXPLAIN (FORMAT JSON) SELECT 1 ${plan.from}`, plan.params.values)).rows[0]['QUERY PLAN'][0].Plan['Plan Rows'] < FEW_MATCHES;
    queries[name] = { page: (few ? planMatchesPage : planPage)(plan, l.start ?? 0, 25), from: plan.from, values: plan.params.values };
  }
  // The dashboard's figures (admin, supervisor, district admin) and the search box's fan-out.
  roles.supervisor = await callerOf('supervisor@demo.kcsos.invalid');
  const figures = figureQueries(resources, { admin: roles.admin, supervisor: roles.supervisor, district: roles.district });
  const claimNumber = (await db.pool.query(`SELECT claim_number FROM claim WHERE id = $1`, [many[5]])).rows[0].claim_number;
  const ssid = (await db.pool.query(`SELECT ssid FROM student WHERE id = 7`)).rows[0].ssid;
  const terms = { name: student.last_name.slice(0, 4), claimNumber, ssid };
  const searches = {};
  for (const [name, term] of Object.entries(terms)) {
    searches[`admin:${name}`] = searchQueries(resources, roles.admin, term);
    searches[`district:${name}`] = searchQueries(resources, roles.district, term);
  }
  queries.figures = figures;
  queries.searches = searches;
  // Each figure counted once, uncached, straight from PostgreSQL: what a figure costs when it is not kept.
  const cold = {};
  for (const [name, f] of Object.entries(figures)) {
    const t = performance.now();
    await db.pool.query(f.text, f.values);
    cold[name] = performance.now() - t;
  }
  const queriesFile = path.join(os.tmpdir(), `kcsos-bench-queries-${process.pid}.json`);
  writeFileSync(queriesFile, JSON.stringify(queries, null, 2));
  await db.close();

  // 2. The product (production mode) and the baseline, as separate processes.
  // The product runs with the same Node flags as `npm start` (package.json "start").
  // BENCH_SERVER_PROCESSES=<n>: n server processes on one port (processes.mjs), to tell the Node thread's limit from the machine's.
  const PRODUCT = Number(process.env.BENCH_SERVER_PROCESSES ?? 1) > 1 ? 'test/bench/processes.mjs' : 'dist/server/main.js';
  const startFlags = (JSON.parse(readFileSync('package.json', 'utf8')).scripts.start.match(/node ((?:--[\w-]+=\S+ )*)dist\/server\/main\.js/)?.[1] ?? '').trim().split(' ').filter(Boolean);
  const start = (script, env, preload = []) =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      // BENCH_PROFILE=<dir>: the product and the baseline write V8 CPU profiles there when they stop
      // (profile-summary.mjs reads one; profile-compare.mjs sets them side by side, per request).
      const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`] : [];
      const child = spawn(process.execPath, [...(script === PRODUCT || script.endsWith('/main.js') ? [...startFlags, ...preload] : []), ...profile, script], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
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
  // The demo users sign in with a password alone (the default policy would ask them to enrol a second
  // factor first, and every measured request would be refused).
  const productEnv = { DATABASE_URL: url, NODE_ENV: 'production', HOST: '127.0.0.1', JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123', HEALTH: 'api/health', DATA_DIR: path.resolve('.data/bench-app'), MFA_REQUIRED_ROLES: 'none' };
  const app = await start(PRODUCT, { ...productEnv, PORT: String(appPort) });
  const base = await start('test/bench/baseline.mjs', { DATABASE_URL: url, PORT: String(basePort), HEALTH: 'nothing', BENCH_QUERIES: queriesFile });
  const signIn = async (email) => {
    const login = await fetch(`http://127.0.0.1:${appPort}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: `${email.split('@')[0]}-demo-pass` }) });
    const body = await login.json();
    return { headers: { authorization: `Bearer ${body.token}` }, user: body.user };
  };
  const { headers: auth, user } = await signIn('admin@demo.kcsos.invalid');
  const districtAuth = (await signIn('district.admin@demo.kcsos.invalid')).headers;
  const supervisorAuth = (await signIn('supervisor@demo.kcsos.invalid')).headers;
  const authOf = { admin: auth, district: districtAuth, supervisor: supervisorAuth };
  const practitionerAuth = (await signIn('practitioner@demo.kcsos.invalid')).headers;
  const A = `http://127.0.0.1:${appPort}/api`;
  const B = `http://127.0.0.1:${basePort}`;
  const enc = (v) => encodeURIComponent(JSON.stringify(v));
  let next = 0;
  const nextTarget = () => targets[next++ % targets.length];
  const uniq = () => `BENCH-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;

  // What users click: [name, product request, baseline request, connection counts, product headers].
  const page = (name) => {
    const l = lists[name];
    const start = l.start ?? 0;
    const filter = Object.keys(l.filter).length ? `filter=${enc(l.filter)}&` : '';
    const asOf = l.asOf ? `&as_of=${l.asOf}` : '';
    return { path: `${A}/${l.resource}?${filter}sort=${enc(l.sort)}&range=${enc([start, start + 24])}${asOf}` };
  };
  const listed = (name, label, headers = auth) => [label, page(name), { path: `${B}/list?name=${name}` }, [CONNECTIONS], headers];
  const scenarios = [
    listed('plain', 'list: 25 claims by id, with total'),
    listed('newest', 'list: newest claims first (id DESC)'),
    listed('byDateDesc', 'list: claims by service_date DESC'),
    listed('filter', 'filter: status + district by service_date ASC'),
    listed('filterDesc', 'filter: status + district by service_date DESC'),
    listed('district', 'district admin: claims, newest first', districtAuth),
    listed('districtByDate', 'district admin: claims by service_date DESC', districtAuth),
    listed('practitioner', 'practitioner: claims, newest first', practitionerAuth),
    listed('practitionerByDate', 'practitioner: claims by service_date DESC', practitionerAuth),
    listed('deep', 'page 400 of claims by service_date DESC'),
    listed('audit', `audit trail: claim events of ${day}`),
    listed('search', 'search: q on students'),
    ['getOne claim', { path: `${A}/claim/${many[3]}` }, { path: `${B}/one?id=${many[3]}` }, [FEW, CONNECTIONS], auth],
    // The same show against a baseline that also writes the access record, in the one statement the
    // product sends for it (fairer: the row above gives the baseline no access log at all).
    ['getOne claim, baseline recording the access too', { path: `${A}/claim/${many[3]}` }, { path: `${B}/oneLogged?id=${many[3]}&user=${user.id}` }, [FEW, CONNECTIONS], auth],
    listed('many', 'getMany 25 claims'),
    listed('asOfClaims', `as of ${pastDay}: newest claims`),
    listed('asOfFeeCodes', `as of ${pastDay}: fee schedule codes`),
    listed('asOfModifiers', `as of ${pastDay}: modifiers`),
    listed('asOfPractitionerTypes', `as of ${pastDay}: practitioner types`),
    listed('asOfBillingCodes', `as of ${pastDay}: billing codes`),
    ...Object.entries(figures).map(([name, f]) => [`figure (${f.role}): ${f.title}`, { path: `${A}${f.path}` }, { path: `${B}/aggregate?name=${encodeURIComponent(name)}` }, [CONNECTIONS], authOf[f.role]]),
    ...Object.keys(searches).map((name) => {
      const [role, term] = name.split(':');
      return [`search box (${role}): ${term}`, { path: `${A}/search?q=${encodeURIComponent(terms[term])}` }, { path: `${B}/search?name=${encodeURIComponent(name)}` }, [CONNECTIONS], authOf[role]];
    }),
    ['history of a claim', { path: `${A}/claim/2/history` }, { path: `${B}/history?id=2` }, [CONNECTIONS], auth],
    [
      'update: PUT with lock, one audit row',
      { method: 'PUT', setupRequest: (req) => { const t = nextTarget(); return { ...req, path: `/api/claim/${t.id}`, body: JSON.stringify({ carelon_id: uniq().slice(0, 20), updated_at: t.updated_at }) }; } },
      { method: 'POST', setupRequest: (req) => ({ ...req, path: `/update?id=${nextTarget().id}`, body: JSON.stringify({ carelon_id: uniq().slice(0, 20), user: user.id }) }) },
      [FEW, CONNECTIONS],
      auth,
    ],
    [
      'create: POST claim',
      { method: 'POST', setupRequest: (req) => ({ ...req, path: '/api/claim', body: JSON.stringify({ claim_number: uniq(), status: 'Incomplete', district: 'Kern High School District' }) }) },
      { method: 'POST', setupRequest: (req) => ({ ...req, path: '/create', body: JSON.stringify({ user: user.id }) }) },
      [CONNECTIONS],
      auth,
    ],
  ];
  const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;

  const run = async (origin, spec, headers, connections) => {
    const { path: p, method = 'GET', setupRequest } = spec;
    const target = p ? new URL(p) : new URL(origin);
    const result = await autocannon({
      url: target.origin,
      connections,
      duration: DURATION,
      headers: { ...headers, 'content-type': 'application/json' },
      requests: [setupRequest ? { method, setupRequest } : { method, path: target.pathname + target.search }],
    });
    return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
  };

  // (A database of BENCH_DATABASE_URL needs pg_stat_statements in its shared_preload_libraries.)
  const statements = process.env.BENCH_STATEMENTS ? await statementMeter(url) : null;
  stopAll.push(async () => statements?.close());
  const measured = async (go) => {
    const meter = await statements?.start();
    const result = await go();
    if (meter) result.statements = await meter.read(result.rps * DURATION);
    return result;
  };
  const rows = [];
  for (const [name, product, baseline, counts, headers] of scenarios) {
    if (only && !only.test(name)) continue;
    for (const connections of counts) {
      log(`${name} (${connections} connections)`);
      const pgDir = embedded ? path.resolve(`.data/bench-${CLAIMS}/pg`) : '/nonexistent';
      const sides = {
        product: { pid: app.child.pid, go: () => run(A, product, headers, connections), runs: [] },
        baseline: { pid: base.child.pid, go: () => run(B, baseline, {}, connections), runs: [] },
      };
      for (let round = 0; round < ROUNDS; round++) {
        for (const side of round % 2 === 0 ? [sides.product, sides.baseline] : [sides.baseline, sides.product]) {
          const meter = cpuMeter({ server: side.pid, dataDir: pgDir });
          const r = await measured(side.go);
          r.cpu = meter();
          side.runs.push(r);
        }
      }
      const p = { ...medianRun(sides.product.runs), runs: sides.product.runs.map((r) => r.rps) };
      const b = { ...medianRun(sides.baseline.runs), runs: sides.baseline.runs.map((r) => r.rps) };
      const ratios = p.runs.map((rps, i) => rps / b.runs[i]);
      // The machine is shared: the load average over the last minute says how much else ran.
      rows.push({ scenario: name, connections, product: p, baseline: b, ratio: p.rps / b.rps, ratios, load: os.loadavg()[0] });
    }
  }
  // What recording reads costs: the same reads of access-logged claims against a second product
  // process whose access log writes nothing (test/bench/unlogged.mjs), alternating runs.
  const accessRows = await measureAccessCost({
    only,
    log,
    start: async () => {
      const port = await freePort();
      const { child } = await start('dist/server/main.js', { ...productEnv, PORT: String(port) }, ['--import', path.resolve('test/bench/unlogged.mjs')]);
      return { origin: `http://127.0.0.1:${port}/api`, child };
    },
    logged: A,
    run: (origin, spec, connections) => run(origin, spec, auth, connections),
    reads: [
      ['getOne claim', `/claim/${many[3]}`],
      ['list: 25 claims by id, with total', page('plain').path.slice(A.length)],
      ['history of a claim', '/claim/2/history'],
    ],
    counts: [FEW, CONNECTIONS],
  });
  const status = readFileSync(`/proc/${app.child.pid}/status`, 'utf8');
  const peakRssMb = Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024;
  const assets = path.resolve('admin/dist/assets');
  const bundleKb = readdirSync(assets).filter((f) => f.endsWith('.js')).reduce((s, f) => s + gzipSync(readFileSync(path.join(assets, f))).length, 0) / 1024;

  const pad = (s, n) => String(s).padEnd(n);
  const num = (n, d = 0) => n.toFixed(d).padStart(8);
  console.log(`\n${CLAIMS.toLocaleString('en-US')} claims, ${Number(sizes.students).toLocaleString('en-US')} students, ${Number(sizes.audit).toLocaleString('en-US')} audit rows; ${DURATION} s per run${ROUNDS > 1 ? `, ${ROUNDS} runs of each side per scenario (the median shown)` : ''}; ${os.cpus().length} cores\n`);
  // CPU in cores during the product's run: the whole machine busy, then server / PostgreSQL /
  // autocannon / everything else (other jobs on the shared machine).
  console.log(`| scenario | conns | product req/s | p50 ms | p99 ms | baseline req/s | p50 ms | p99 ms | ratio | CPU busy: server/pg/load/other | non-2xx |`);
  console.log(`| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |`);
  const cpu = (c) => `${c.busy.toFixed(1)}: ${c.server.toFixed(1)}/${c.postgres.toFixed(1)}/${c.loadGenerator.toFixed(1)}/${c.others.toFixed(1)}`;
  const percent = (x) => (x * 100).toFixed(0);
  const ratio = (r) => `${percent(r.ratio)} %${r.ratios.length > 1 ? ` (${percent(Math.min(...r.ratios))}–${percent(Math.max(...r.ratios))})` : ''}`;
  for (const r of rows) {
    console.log(`| ${r.scenario} | ${r.connections} | ${num(r.product.rps).trim()} | ${r.product.p50} | ${r.product.p99} | ${num(r.baseline.rps).trim()} | ${r.baseline.p50} | ${r.baseline.p99} | ${ratio(r)} | ${cpu(r.product.cpu)} | ${r.product.non2xx}/${r.baseline.non2xx} |`);
  }
  printAccessCost(accessRows);
  printStatements(rows);
  console.log(`\nfigures counted once, uncached, in PostgreSQL (ms): ${Object.entries(cold).map(([n, ms]) => `${n} ${ms.toFixed(0)}`).join(', ')}`);
  mkdirSync('bench', { recursive: true });
  console.log(`\nserver peak RSS ${peakRssMb.toFixed(0)} MB; start to first answer ${app.ms.toFixed(0)} ms; console JavaScript ${bundleKb.toFixed(0)} kB gzipped`);
  writeFileSync('bench/results.json', JSON.stringify({ at: new Date().toISOString(), claims: CLAIMS, students: Number(sizes.students), auditRows: Number(sizes.audit), durationSeconds: DURATION, rounds: ROUNDS, scenarios: rows, accessLogging: accessRows, coldFigureMs: cold, peakRssMb, startMs: app.ms, bundleKbGzip: bundleKb }, null, 2));
  console.log('wrote bench/results.json');
} finally {
  await cleanup();
}
process.exit(0);

/** The run of median throughput (the lower of the two middle ones for an even count), whole: its latencies and CPU with it. */
function medianRun(runs) {
  return [...runs].sort((x, y) => x.rps - y.rps)[Math.floor((runs.length - 1) / 2)];
}
