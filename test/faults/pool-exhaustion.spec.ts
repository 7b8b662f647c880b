import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { PoolClient } from 'pg';
import type { App } from '../../server/app.js';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { client, signIn, startServer } from '../support/server.js';

const LIMITS = { poolMax: 4, acquireTimeoutMs: 800, statementTimeoutMs: 1_500, idleInTransactionTimeoutMs: 2_000 };
const LEAKS = /select|insert|update|from\s|pg_|at .*\.js|stack|constraint/i;

let db: TestDatabase;
let app: App;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  db = await testDatabase({ limits: LIMITS });
  app = await startServer(db);
  api = client(`${app.url}/api`, await signIn(app.url, 'admin'));
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const auditCount = async () => Number((await db.pool.query('SELECT count(*) AS n FROM audit_log')).rows[0].n);

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const result = await work();
  return [result, Date.now() - started];
}

describe('the serving pool', () => {
  it('runs every connection with a statement timeout and an idle-in-transaction timeout', async () => {
    const c = await db.pool.connect();
    try {
      const { rows } = await c.query(`SELECT current_setting('statement_timeout') AS st, current_setting('idle_in_transaction_session_timeout') AS idle`);
      expect(rows[0]).toEqual({ st: '1500ms', idle: '2s' });
    } finally {
      c.release();
    }
  });

  it('answers 503 with Retry-After within the acquire timeout while every connection is busy, and recovers', async () => {
    const held: PoolClient[] = [];
    try {
      for (let i = 0; i < LIMITS.poolMax; i++) held.push(await db.pool.connect());
      const [res, ms] = await timed(() => api('GET', '/claim?range=[0,9]'));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(res.body.code).toBe('UNAVAILABLE');
      expect(JSON.stringify(res.body)).not.toMatch(LEAKS);
      expect(ms).toBeGreaterThanOrEqual(LIMITS.acquireTimeoutMs - 50);
      expect(ms).toBeLessThan(LIMITS.acquireTimeoutMs + 1_500);

      // A write waits the same way and changes nothing.
      const write = await api('PUT', '/modifier/1', { description: 'while busy' });
      expect(write.status).toBe(503);

      // What needs no database is still answered, at once: before any wait for a connection could end.
      const [badToken, badMs] = await timed(() => fetch(`${app.url}/api/claim`, { headers: { authorization: 'Bearer not.a.token' } }));
      expect(badToken.status).toBe(401);
      expect(badMs).toBeLessThan(LIMITS.acquireTimeoutMs - 100);
      const [unknown, unknownMs] = await timed(() => fetch(`${app.url}/api/no/such/route/here`));
      expect(unknown.status).toBe(404);
      expect(unknownMs).toBeLessThan(LIMITS.acquireTimeoutMs - 100);
    } finally {
      for (const c of held) c.release();
    }
    const after = await api('GET', '/claim?range=[0,9]');
    expect(after.status).toBe(200);
    expect((await api('GET', '/modifier/1')).body.description).not.toBe('while busy');
  });

  it('cancels a write stuck behind a lock after the statement timeout: 503, nothing written', async () => {
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM modifier WHERE id = 2 FOR UPDATE');
      const before = await auditCount();
      const [res, ms] = await timed(() => api('PUT', '/modifier/2', { description: 'behind a lock' }));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(JSON.stringify(res.body)).not.toMatch(LEAKS);
      expect(ms).toBeGreaterThanOrEqual(LIMITS.statementTimeoutMs - 50);
      expect(ms).toBeLessThan(LIMITS.statementTimeoutMs + 2_000);
      expect(await auditCount()).toBe(before);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    const res = await api('PUT', '/modifier/2', { description: 'after the lock' });
    expect(res.status).toBe(200);
  });

  it('has PostgreSQL end a transaction a client left idle, releasing its locks', async () => {
    const c = await db.pool.connect();
    let error: unknown;
    c.on('error', () => undefined); // the server closes this connection: expected here
    try {
      await c.query('BEGIN');
      await c.query('SELECT 1 FROM modifier WHERE id = 3 FOR UPDATE');
      await new Promise((r) => setTimeout(r, LIMITS.idleInTransactionTimeoutMs + 1_000));
      await c.query('SELECT 1').catch((e: unknown) => (error = e));
    } finally {
      c.release(true);
    }
    expect(error).toBeDefined();
    const res = await api('PUT', '/modifier/3', { description: 'lock released' });
    expect(res.status).toBe(200);
  });
});
