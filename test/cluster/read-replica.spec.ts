import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import pg from 'pg';
import { connect, migrate } from '../../server/db/database.js';
import { testDatabase } from '../support/database.js';
import { seed } from '../../server/seed/seed.js';
import { startPrimary, startStandby, type Primary, type Standby } from '../support/standby.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { client, q, signIn } from '../support/server.js';

/**
 * A primary, a streaming replica of it, and the server with DATABASE_REPLICA_URLS. Which server
 * answered a read is told by pausing the replica's replay: a change made on the primary is then
 * visible on the primary only.
 */
let primary: Primary;
let standby: Standby;
let server: ServerProcess;
let primaryUrl: string;
let direct: pg.Pool;
let replica: pg.Pool;
// Long enough that the five requests after the PUT all fall inside it on a loaded 2-core machine.
const READ_YOUR_WRITES_MS = 4_000;

function databaseUrl(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = '/' + name;
  return u.toString();
}

async function caughtUp(): Promise<void> {
  const { rows } = await direct.query(`SELECT pg_current_wal_lsn()::text AS lsn`);
  for (let i = 0; i < 200; i++) {
    const r = await replica.query(`SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok`, [rows[0].lsn]);
    if (r.rows[0].ok) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('the replica did not catch up');
}

beforeAll(async () => {
  primary = await startPrimary();
  const admin = new pg.Client({ connectionString: primary.adminUrl });
  await admin.connect();
  await admin.query('CREATE DATABASE kcsos');
  await admin.end();
  primaryUrl = databaseUrl(primary.adminUrl, 'kcsos');
  const db = await connect(primaryUrl);
  try {
    await migrate(db);
    await seed(db, { scale: 200 });
  } finally {
    await db.close();
  }
  standby = await startStandby(primary);
  direct = new pg.Pool({ connectionString: primaryUrl, max: 2 });
  replica = new pg.Pool({ connectionString: standby.url('kcsos'), max: 2 });
  // The tests stop these servers under their pools: a connection being ended as its server goes
  // gets a FATAL (57P01), which a pool without a listener throws as an unhandled error (the suite
  // failed so once, on a loaded machine).
  for (const pool of [direct, replica]) pool.on('error', () => undefined);
  await caughtUp();
  server = await startServerProcess(primaryUrl, { DATABASE_REPLICA_URLS: standby.url('kcsos'), READ_YOUR_WRITES_MS: String(READ_YOUR_WRITES_MS) });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await direct?.end();
  if (replica && !replica.ended) await replica.end();
  await standby?.destroy();
  await primary?.embedded.stop();
  if (primary) await rm(primary.root, { recursive: true, force: true });
});

describe('read replicas', () => {
  it('serves list and show reads from the replica, writes and the writer\'s next reads from the primary', async () => {
    const reader = client(`${server.url}/api`, await signIn(server.url, 'supervisor'));
    const writer = client(`${server.url}/api`, await signIn(server.url, 'admin'));
    const [student] = (await reader('GET', '/student?range=[0,0]')).body;
    await caughtUp();
    await replica.query('SELECT pg_wal_replay_pause()');
    try {
      // Changed on the primary behind the server's back: the replica does not have it yet.
      await direct.query(`UPDATE student SET comments = 'primary only' WHERE id = $1`, [student.id]);
      expect((await reader('GET', `/student/${student.id}`)).body.comments).not.toBe('primary only');
      expect((await reader('GET', `/student?filter=${q({ id: [student.id] })}`)).body[0].comments).not.toBe('primary only');

      // A write goes to the primary (a standby refuses writes), and its writer reads it back at once.
      const put = await writer('PUT', `/student/${student.id}`, { comments: 'written through the API' });
      expect(put.status).toBe(200);
      expect((await direct.query(`SELECT comments FROM student WHERE id = $1`, [student.id])).rows[0].comments).toBe('written through the API');
      expect((await writer('GET', `/student/${student.id}`)).body.comments).toBe('written through the API');
      expect((await writer('GET', `/student/${student.id}/history`)).body[0].changes).toContainEqual(expect.objectContaining({ after: 'written through the API' }));
      // Someone who did not write still reads the replica.
      expect((await reader('GET', `/student/${student.id}`)).body.comments).not.toBe('written through the API');

      // A revert is a write: on the primary, and it sees the event the replica has not replayed.
      const [event] = (await writer('GET', `/student/${student.id}/history`)).body;
      expect((await writer('POST', `/audit_log/${event.id}/revert`)).status).toBe(200);
      expect((await direct.query(`SELECT comments FROM student WHERE id = $1`, [student.id])).rows[0].comments).toBe('primary only');

      // Once the window has passed, the writer's reads go back to the replica.
      await new Promise((r) => setTimeout(r, READ_YOUR_WRITES_MS + 200));
      expect((await writer('GET', `/student/${student.id}`)).body.comments).not.toBe('primary only');
    } finally {
      await replica.query('SELECT pg_wal_replay_resume()');
    }
    await caughtUp();
    expect((await reader('GET', `/student/${student.id}`)).body.comments).toBe('primary only');
  });

  it('answers reads from the primary while the replica is down', async () => {
    const reader = client(`${server.url}/api`, await signIn(server.url, 'supervisor'));
    const [student] = (await reader('GET', '/student?range=[0,0]')).body;
    await replica.end();
    await standby.stop();
    await direct.query(`UPDATE student SET comments = 'while the replica was down' WHERE id = $1`, [student.id]);
    for (let i = 0; i < 5; i++) {
      const list = await reader('GET', `/student?filter=${q({ id: [student.id] })}`);
      expect(list.status).toBe(200);
      expect(list.body[0].comments).toBe('while the replica was down');
      expect((await reader('GET', `/student/${student.id}`)).body.comments).toBe('while the replica was down');
      const csv = await fetch(`${server.url}/api/student/export?filter=${q({ id: [student.id] })}`, { headers: await signIn(server.url, 'supervisor') });
      expect(csv.status).toBe(200);
      expect(await csv.text()).toContain('while the replica was down');
    }
    expect((await fetch(`${server.url}/api/ready`)).status).toBe(200);
    expect(server.output()).toMatch(/read replica unavailable .*reading from the primary/);
  });
});

describe('a replica that accepts connections but never answers', () => {
  it('costs the first read a 3 s timeout, then reads go to the primary without waiting', async () => {
    const silent = net.createServer(() => undefined); // holds every connection, says nothing
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const db = await testDatabase();
    const port = (silent.address() as net.AddressInfo).port;
    const proc = await startServerProcess(db.url, { DATABASE_REPLICA_URLS: `postgres://postgres:x@127.0.0.1:${port}/kcsos` });
    try {
      const api = client(`${proc.url}/api`, await signIn(proc.url, 'supervisor'));
      let t = Date.now();
      expect((await api('GET', '/student?range=[0,4]')).status).toBe(200);
      expect(Date.now() - t).toBeLessThan(10_000);
      t = Date.now();
      for (let i = 0; i < 5; i++) expect((await api('GET', '/student?range=[0,4]')).status).toBe(200);
      expect(Date.now() - t).toBeLessThan(2_000);
      expect(proc.output()).toMatch(/read replica unavailable/);
    } finally {
      await proc.stop();
      await db.drop();
      silent.close();
    }
  }, 60_000);
});
