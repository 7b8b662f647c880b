import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../server/db/embedded-postgres.js';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { client, signIn, TEST_JWT_SECRET } from '../support/server.js';
import { startCompiledServer } from '../support/compiled-server.js';

let db: TestDatabase;
let dataDir: string;
let port: number;
const children: ChildProcess[] = [];

/** The compiled server as `npm start` runs it, on this file's database copy. */
async function startServer(): Promise<ChildProcess> {
  const env = { ...process.env, DATABASE_URL: db.url, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', JWT_SECRET: TEST_JWT_SECRET };
  const { child } = await startCompiledServer(env);
  children.push(child);
  return child;
}

beforeAll(async () => {
  db = await testDatabase();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'kcsos-kill-'));
  port = await freePort();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await db?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

type Ack = { kind: 'create'; code: string; id: number } | { kind: 'update'; id: number; description: string };

describe('kill -9 during writes', () => {
  it('keeps every acknowledged write with exactly its audit rows, and no data change without its audit row or the reverse', async () => {
    const base = `http://127.0.0.1:${port}`;
    let server = await startServer();
    let api = client(`${base}/api`, await signIn(base, 'admin'));
    const targets: number[] = [];
    for (let w = 0; w < 6; w++) {
      const res = await api('POST', '/modifier', { code: `KT-${w}`, description: 'target' });
      expect(res.status).toBe(201);
      targets.push(res.body.id);
    }

    // Six clients write as fast as they can: creates and updates, each with a value of its own.
    const acks: Ack[] = [];
    let failures = 0;
    const worker = async (w: number) => {
      for (let i = 0; i < 10_000; i++) {
        try {
          if (i % 2 === 0) {
            const code = `KC-${w}-${i}`;
            const res = await api('POST', '/modifier', { code, description: 'kill test' });
            if (res.status === 201) acks.push({ kind: 'create', code, id: res.body.id });
          } else {
            const description = `KU-${w}-${i}`;
            const res = await api('PUT', `/modifier/${targets[w]}`, { description });
            if (res.status === 200) acks.push({ kind: 'update', id: targets[w], description });
          }
        } catch {
          failures++; // the server is gone: this write's fate is unknown to the client
          return;
        }
      }
    };
    const load = Promise.all(targets.map((_, w) => worker(w)));
    while (acks.length < 150) await new Promise((r) => setTimeout(r, 20));
    server.kill('SIGKILL');
    await load;
    expect(failures).toBe(targets.length);

    server = await startServer();
    api = client(`${base}/api`, await signIn(base, 'admin'));
    const q = (sql: string, values: unknown[] = []) => db.pool.query(sql, values).then((r) => r.rows);

    // 1. Every acknowledged create is there, with exactly one INSERT audit row, and served.
    const creates = acks.filter((a): a is Extract<Ack, { kind: 'create' }> => a.kind === 'create');
    for (const a of creates) {
      const rows = await q(`SELECT id, description FROM modifier WHERE code = $1`, [a.code]);
      expect(rows).toEqual([{ id: a.id, description: 'kill test' }]);
      const audit = await q(`SELECT action FROM audit_log WHERE table_name = 'modifier' AND record_pk = jsonb_build_object('id', $1::int)`, [a.id]);
      expect(audit).toEqual([{ action: 'INSERT' }]);
    }
    expect((await api('GET', `/modifier/${creates.at(-1)!.id}`)).body.code).toBe(creates.at(-1)!.code);

    // 2. Every acknowledged update has exactly one audit row carrying its value.
    for (const a of acks.filter((x): x is Extract<Ack, { kind: 'update' }> => x.kind === 'update')) {
      const audit = await q(
        `SELECT count(*)::int AS n FROM audit_log WHERE table_name = 'modifier' AND action = 'UPDATE' AND record_pk = jsonb_build_object('id', $1::int) AND changed_data->>'description' = $2`,
        [a.id, a.description],
      );
      expect(audit[0].n).toBe(1);
    }

    // 3. No created row without its INSERT audit row, no INSERT audit row without its row.
    const orphans = await q(`
      SELECT m.code AS row_without_audit, a.changed_data->>'code' AS audit_without_row
      FROM (SELECT * FROM modifier WHERE code LIKE 'KC-%') m
      FULL JOIN (SELECT * FROM audit_log WHERE table_name = 'modifier' AND action = 'INSERT' AND changed_data->>'code' LIKE 'KC-%') a
        ON a.record_pk = jsonb_build_object('id', m.id)
      WHERE m.id IS NULL OR a.id IS NULL`);
    expect(orphans).toEqual([]);

    // 4. Each target holds the value of its latest UPDATE audit row: no change without its row.
    for (const id of targets) {
      const [row] = await q(`SELECT description FROM modifier WHERE id = $1`, [id]);
      const [last] = await q(
        `SELECT changed_data->>'description' AS description FROM audit_log WHERE table_name = 'modifier' AND record_pk = jsonb_build_object('id', $1::int) ORDER BY id DESC LIMIT 1`,
        [id],
      );
      expect(row.description).toBe(last.description);
    }
    server.kill('SIGTERM');
  }, 180_000);
});
