import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { client, DEMO, q, signIn } from '../support/server.js';

/** Two replicas of the server, separate OS processes, on one database: what a load balancer sees. */
let db: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;

beforeAll(async () => {
  db = await testDatabase();
  [a, b] = await Promise.all([startServerProcess(db.url), startServerProcess(db.url)]);
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.drop();
});

describe('two replicas on one database', () => {
  it('a permission-matrix change made through A applies at B on the next request', async () => {
    const adminAtA = client(`${a.url}/api`, await signIn(a.url, 'admin'));
    const supervisorAtB = client(`${b.url}/api`, await signIn(b.url, 'supervisor'));
    expect((await supervisorAtB('GET', '/modifier?range=[0,0]')).status).toBe(200); // B has the matrix cached now
    const [item] = (await adminAtA('GET', `/permission_item?filter=${q({ name: 'modifier.list' })}`)).body;
    expect((await adminAtA('PUT', `/permission_item/${item.id}`, { supervisor: false })).status).toBe(200);
    expect((await supervisorAtB('GET', '/modifier?range=[0,0]')).status).toBe(403);
    expect((await adminAtA('PUT', `/permission_item/${item.id}`, { supervisor: true })).status).toBe(200);
    expect((await supervisorAtB('GET', '/modifier?range=[0,0]')).status).toBe(200);
  });

  it('a matrix change made outside any server (psql) applies at both on the next request', async () => {
    const atA = client(`${a.url}/api`, await signIn(a.url, 'supervisor'));
    const atB = client(`${b.url}/api`, await signIn(b.url, 'supervisor'));
    expect((await atA('GET', '/modifier?range=[0,0]')).status).toBe(200);
    expect((await atB('GET', '/modifier?range=[0,0]')).status).toBe(200);
    await db.pool.query(`UPDATE permission_item SET supervisor = false WHERE name = 'modifier.show'`);
    const modifier = (await atA('GET', '/modifier?range=[0,0]')).body[0];
    expect((await atA('GET', `/modifier/${modifier.id}`)).status).toBe(403);
    expect((await atB('GET', `/modifier/${modifier.id}`)).status).toBe(403);
    await db.pool.query(`UPDATE permission_item SET supervisor = true WHERE name = 'modifier.show'`);
    expect((await atB('GET', `/modifier/${modifier.id}`)).status).toBe(200);
  });

  it('a replica whose listening connection was cut reconnects, and misses no matrix change meanwhile', async () => {
    const atB = client(`${b.url}/api`, await signIn(b.url, 'supervisor'));
    expect((await atB('GET', '/modifier?range=[0,0]')).status).toBe(200);
    const cut = await db.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'kcsos permission listener'`,
    );
    expect(cut.rowCount).toBe(2); // one listener per replica
    await db.pool.query(`UPDATE permission_item SET supervisor = false WHERE name = 'modifier.list'`);
    expect((await atB('GET', '/modifier?range=[0,0]')).status).toBe(403);
    // Both listen again.
    let listening = 0;
    for (let i = 0; i < 50 && listening < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'kcsos permission listener'`);
      listening = rows[0].n;
    }
    expect(listening).toBe(2);
    await atB('GET', '/modifier?range=[0,0]');
    await db.pool.query(`UPDATE permission_item SET supervisor = true WHERE name = 'modifier.list'`);
    expect((await atB('GET', '/modifier?range=[0,0]')).status).toBe(200);
    expect(b.output()).toMatch(/permission listener: connection lost, reconnecting/);
  });

  it('every write to the matrix notifies listeners when it commits, with the new version, and a rollback does not', async () => {
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    try {
      const heard: string[] = [];
      listener.on('notification', (n) => heard.push(`${n.channel}:${n.payload}`));
      await listener.query('LISTEN permission_matrix_changed');
      const before = Number((await db.pool.query(`SELECT version FROM permission_matrix_version`)).rows[0].version);
      const tx = await db.pool.connect();
      await tx.query('BEGIN');
      await tx.query(`UPDATE permission_item SET support = support WHERE name = 'modifier.list'`);
      await tx.query('ROLLBACK');
      await tx.query(`UPDATE permission_category SET title = title WHERE id = (SELECT min(id) FROM permission_category)`);
      tx.release();
      await listener.query('SELECT 1'); // a round trip: anything already sent has arrived
      await new Promise((r) => setTimeout(r, 200));
      expect(heard).toEqual([`permission_matrix_changed:${before + 1}`]);
    } finally {
      await listener.end();
    }
  });

  it('a logout at A rejects the token at B', async () => {
    const auth = await signIn(a.url, 'support');
    expect((await fetch(`${b.url}/api/auth/me`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${a.url}/api/auth/logout`, { method: 'POST', headers: auth })).status).toBeLessThan(300);
    expect((await fetch(`${b.url}/api/auth/me`, { headers: auth })).status).toBe(401);
    expect((await fetch(`${a.url}/api/auth/me`, { headers: auth })).status).toBe(401);
  });

  it('failed sign-ins spread over A and B are counted together', async () => {
    const attempt = (server: ServerProcess, password: string) =>
      fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: DEMO.practitioner, password }),
      }).then((r) => r.status);
    // The per-account limit is 5 failures in 15 minutes: 3 at A and 2 at B use it up.
    for (const server of [a, b, a, b, a]) expect(await attempt(server, 'wrong password')).toBe(401);
    expect(await attempt(b, 'practitioner-demo-pass')).toBe(429);
    expect(await attempt(a, 'practitioner-demo-pass')).toBe(429);
  });

  it('killing A under load leaves B serving, with no failed write at B and no half-done write anywhere', async () => {
    const students = (await client(`${b.url}/api`, await signIn(b.url, 'admin'))('GET', '/student?range=[0,39]')).body as { id: number }[];
    const atA = client(`${a.url}/api`, await signIn(a.url, 'admin'));
    const atB = client(`${b.url}/api`, await signIn(b.url, 'admin'));
    const results = { b: [] as number[], aAnswered: [] as { id: number; comments: string }[] };
    let running = true;
    const worker = async (n: number) => {
      for (let i = 0; running; i++) {
        const student = students[(n * 5 + i) % 20];
        const comments = `load ${n}-${i}`;
        if (n % 2 === 0) {
          results.b.push((await atB('PUT', `/student/${student.id}`, { comments }, { 'x-change-reason': 'load' })).status);
          results.b.push((await atB('GET', `/student/${student.id}`)).status);
        } else {
          // A dies midway: its requests fail at the socket; those it answered must be in the database.
          const reply = await atA('PUT', `/student/${students[20 + ((n * 5 + i) % 20)].id}`, { comments }).catch(() => null);
          if (reply?.status === 200) results.aAnswered.push({ id: students[20 + ((n * 5 + i) % 20)].id, comments });
          if (!reply) await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, n) => worker(n));
    await new Promise((r) => setTimeout(r, 1_500));
    await a.kill();
    await new Promise((r) => setTimeout(r, 2_000));
    running = false;
    await Promise.all(workers);

    expect(results.aAnswered.length).toBeGreaterThan(0);
    expect(results.b.length).toBeGreaterThan(50);
    expect(results.b.filter((s) => s !== 200)).toEqual([]);
    expect((await fetch(`${b.url}/api/ready`)).status).toBe(200);
    // Every write A answered is committed with its audit row (each value was written once).
    const { rows } = await db.pool.query(
      `SELECT (record_pk->>'id')::int AS id, changed_data->>'comments' AS comments FROM audit_log
        WHERE table_name = 'student' AND changed_data->>'comments' = ANY($1)`,
      [results.aAnswered.map((w) => w.comments)],
    );
    expect(rows.sort((x, y) => x.comments.localeCompare(y.comments))).toEqual([...results.aAnswered].sort((x, y) => x.comments.localeCompare(y.comments)));
  }, 60_000);
});

describe('two replicas started together on an empty database', () => {
  it('migrate and seed it once, one after the other, and both serve', async () => {
    const empty = await testDatabase({ empty: true });
    const started: ServerProcess[] = [];
    try {
      started.push(...(await Promise.all([startServerProcess(empty.url), startServerProcess(empty.url)])));
      const outputs = started.map((s) => s.output());
      expect(outputs.filter((o) => /Seeded the demo database/.test(o))).toHaveLength(1);
      const { rows } = await empty.pool.query(`SELECT (SELECT count(*)::int FROM student) AS students, (SELECT count(*)::int FROM mikro_orm_migrations) AS migrations`);
      expect(rows[0].students).toBe(1000);
      for (const s of started) {
        expect((await fetch(`${s.url}/api/ready`)).status).toBe(200);
        expect((await fetch(`${s.url}/api/student?range=[0,0]`, { headers: await signIn(s.url, 'admin') })).headers.get('content-range')).toBe('student 0-0/1000');
      }
    } finally {
      await Promise.all(started.map((s) => s.stop()));
      await empty.drop();
    }
  }, 120_000);
});
