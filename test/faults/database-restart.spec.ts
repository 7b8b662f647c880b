import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { App } from '../../server/app.js';
import { connect, migrate, type Database } from '../../server/db/database.js';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../../server/db/embedded-postgres.js';
import { seed } from '../../server/seed/seed.js';
import { client, signIn, startServer } from '../support/server.js';

/**
 * A PostgreSQL of this file's own (the shared test cluster must not go down under other files),
 * stopped and started again under the same running server process.
 */
let dir: string;
let pgPort: number;
let postgres: EmbeddedDatabase | undefined;
let db: Database;
let app: App;
let api: ReturnType<typeof client>;

const LIMITS = { poolMax: 6, acquireTimeoutMs: 2_000, statementTimeoutMs: 10_000, idleInTransactionTimeoutMs: 10_000 };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kcsos-restart-'));
  await chmod(dir, 0o755);
  pgPort = await freePort();
  postgres = await startEmbeddedPostgres({ dataDir: dir, port: pgPort, durable: false });
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query('CREATE DATABASE kcsos');
  await admin.end();
  const url = new URL(postgres.url);
  url.pathname = '/kcsos';
  db = await connect(url.toString(), { limits: LIMITS });
  await migrate(db);
  await seed(db, { scale: 200 });
  app = await startServer(db);
  api = client(`${app.url}/api`, await signIn(app.url, 'admin'));
}, 120_000);

afterAll(async () => {
  await app?.close();
  await db?.close();
  await postgres?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Outcome {
  status: number;
  ms: number;
  retryAfter: string | null;
  body: string;
}

/** Keeps a few clients reading and writing until told to stop; every answer is recorded. */
function load(signal: { stop: boolean }): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const worker = async (w: number) => {
    for (let i = 0; !signal.stop && i < 100_000; i++) {
      const started = Date.now();
      const res = i % 3 === 0 ? await api('PUT', `/modifier/${1 + (w % 4)}`, { description: `load ${w}-${i}` }) : await api('GET', '/claim?range=[0,9]&sort=["id","DESC"]');
      outcomes.push({ status: res.status, ms: Date.now() - started, retryAfter: res.headers.get('retry-after'), body: JSON.stringify(res.body) });
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return Promise.all([0, 1, 2, 3].map(worker)).then(() => outcomes);
}

describe('PostgreSQL restarts under load', () => {
  it('answers 503 with Retry-After quickly while the database is down, reports it in /api/health, and serves again within seconds of its return', async () => {
    const signal = { stop: false };
    const running = load(signal);
    await new Promise((r) => setTimeout(r, 1_000));

    await postgres!.stop();
    postgres = undefined;
    const downSince = Date.now();
    await new Promise((r) => setTimeout(r, 500));
    // Liveness stays 200 (the process is fine) and says the database is down; readiness refuses.
    const health = await fetch(`${app.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', db: 'down' });
    const ready = await fetch(`${app.url}/api/ready`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toMatch(/^\d+$/);
    const whileDown = await api('GET', '/student?range=[0,4]');
    expect(whileDown.status).toBe(503);
    expect(whileDown.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(whileDown.body.code).toBe('UNAVAILABLE');
    await new Promise((r) => setTimeout(r, Math.max(0, 3_000 - (Date.now() - downSince))));

    postgres = await startEmbeddedPostgres({ dataDir: dir, port: pgPort, durable: false });
    const upAt = Date.now();
    let back = 0;
    while (Date.now() - upAt < 15_000) {
      if ((await api('GET', '/claim?range=[0,0]')).status === 200) {
        back = Date.now() - upAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 1_000));
    signal.stop = true;
    const outcomes = await running;

    expect(back).toBeGreaterThan(0);
    expect(back).toBeLessThan(5_000);
    if (process.env.FAULT_REPORT) console.log(`back ${back} ms after PostgreSQL returned; ${outcomes.length} answers, ${outcomes.filter((o) => o.status === 503).length} of them 503`);
    expect((await fetch(`${app.url}/api/ready`)).status).toBe(200);
    // Every answer was a success or a quick, explained 503; none hung, none was a 500.
    const statuses = new Set(outcomes.map((o) => o.status));
    expect([...statuses].sort()).toEqual([200, 503]);
    for (const o of outcomes.filter((x) => x.status === 503)) {
      expect(o.retryAfter).toMatch(/^\d+$/);
      expect(o.ms).toBeLessThan(LIMITS.acquireTimeoutMs + 1_000);
      expect(o.body).not.toMatch(/select|update|pg_|\.js:\d+/i);
    }
    // Every write the server acknowledged after the restart is stored with its audit row.
    const res = await api('PUT', '/modifier/1', { description: 'after the restart' });
    expect(res.status).toBe(200);
    const audit = await db.pool.query(`SELECT changed_data->>'description' AS d FROM audit_log WHERE table_name = 'modifier' ORDER BY id DESC LIMIT 1`);
    expect(audit.rows[0].d).toBe('after the restart');
  }, 90_000);
});
