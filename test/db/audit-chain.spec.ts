import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { archiveOldAuditPartitions, ensureAuditPartitions, monthStart } from '../../server/audit/audit-partitions.js';
import { verifyChain, verifyAll } from '../../server/audit/chain-verify.js';
import { checkpointFile, signCheckpoints } from '../../server/audit/checkpoints.js';
import { loadSigningKey } from '../../server/audit/signing-key.js';
import { AuditSealer } from '../../server/audit/sealer.js';
import { testDatabase, type TestDatabase } from '../support/database.js';

const run = promisify(execFile);
const node = path.resolve('node_modules/.bin/node');

let db: TestDatabase;
let sealer: AuditSealer;

beforeAll(async () => {
  db = await testDatabase();
  sealer = new AuditSealer(db.pool, { everyMs: 1000, batch: 5000, warn: () => undefined });
});

afterAll(async () => {
  await db?.drop();
});

/** An audited write, as psql would make it (the trigger records it with user NULL). */
async function write(comment: string): Promise<number> {
  await db.pool.query(`UPDATE student SET comments = $1 WHERE id = 1`, [comment]);
  return Number((await db.pool.query(`SELECT max(id) AS id FROM audit_log`)).rows[0].id);
}

/** A statement as a superuser with the append-only guards off would run it. */
async function guardsOff(on: TestDatabase, sql: string, values: unknown[]): Promise<void> {
  const c = await on.pool.connect();
  try {
    await c.query('BEGIN');
    await c.query(`SET LOCAL session_replication_role = replica`);
    await c.query(sql, values);
    await c.query('COMMIT');
  } finally {
    c.release();
  }
}

/** `npm run audit:verify` (the compiled CLI) against this database. */
async function cli(archiveDir?: string, url = db.url, env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(node, ['dist/server/cli/audit-verify.js'], { env: { ...process.env, DATABASE_URL: url, AUDIT_ARCHIVE_DIR: archiveDir ?? path.join(os.tmpdir(), 'no-archive-here'), ...env } });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, out: e.stdout };
  }
}

describe('the hash chains of audit_log, access_log, auth_event and write_conflict', () => {
  it('seals every committed row in id order, and verify finds the chain intact (exit 0)', async () => {
    await write('sealed one');
    await db.pool.query(`INSERT INTO access_log (user_id, table_name, record_ids, action) VALUES (1, 'student', '{1,2}', 'list')`);
    await db.pool.query(`INSERT INTO auth_event (event, outcome, method, user_id) VALUES ('sign-in', 'success', 'password', 1)`);
    await db.pool.query(`INSERT INTO write_conflict (user_id, action, checked, table_name, record_pk) VALUES (1, 'edit', 'version', 'student', '{"id": 1}')`);
    await sealer.catchUp();
    const unsealed = await db.pool.query(`SELECT count(*)::int AS n FROM audit_log a WHERE NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.chain = 'audit_log' AND s.event_id = a.id)`);
    expect(unsealed.rows[0].n).toBe(0);
    const seqs = (await db.pool.query(`SELECT seq, event_id FROM audit_seal WHERE chain = 'audit_log' ORDER BY seq`)).rows;
    expect(seqs.map((r) => Number(r.seq))).toEqual(seqs.map((_, i) => i + 1));
    expect(seqs.map((r) => Number(r.event_id))).toEqual([...seqs.map((r) => Number(r.event_id))].sort((a, b) => a - b));
    for (const report of await verifyAll(db.pool, null)) {
      expect(report.problems).toEqual([]);
      expect(report.checked).toBeGreaterThan(0);
    }
    const { code, out } = await cli();
    expect(out).toContain('audit trail: intact');
    expect(code).toBe(0);
  });

  it('reports rows not sealed yet with their age, without failing', async () => {
    const id = await write('not sealed yet');
    const report = await verifyChain(db.pool, 'audit_log', null);
    expect(report.problems).toEqual([]);
    expect(report.unsealed.count).toBeGreaterThanOrEqual(1);
    expect(report.unsealed.ageSeconds).toEqual(expect.any(Number));
    await sealer.catchUp();
    const after = await verifyChain(db.pool, 'audit_log', null);
    expect(after.unsealed.count).toBe(0);
    expect(Number(after.lastSeq)).toBeGreaterThan(0);
    expect((await db.pool.query(`SELECT 1 FROM audit_seal WHERE chain = 'audit_log' AND event_id = $1`, [id])).rowCount).toBe(1);
  });

  it('keeps the chain through an archived month, and names an event changed inside the archive file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kcsos-chain-archive-'));
    try {
      const old = monthStart(new Date(), -3);
      await ensureAuditPartitions(db.pool, { ahead: 0, now: old });
      const { rows } = await db.pool.query(
        `INSERT INTO audit_log (table_name, record_pk, action, changed_data, old_data, occurred_at, reason)
         SELECT 'student', jsonb_build_object('id', 1), 'UPDATE', '{"comments": "after"}', '{"comments": "before"}', $1, 'old event ' || g FROM generate_series(1, 3) g RETURNING id`,
        [new Date(old.getTime() + 86_400_000).toISOString()],
      );
      const archived = await archiveOldAuditPartitions(db.pool, { keepMonths: 2, dir, seal: () => sealer.catchUp() });
      expect(archived).toHaveLength(1);
      const manifest = JSON.parse(await readFile(archived[0].file.replace(/\.csv\.gz$/, '.chain.json'), 'utf8'));
      expect(manifest.first.event_id).toBe(String(rows[0].id));
      expect(manifest.last.event_id).toBe(String(rows[2].id));
      expect(manifest.last.hash).toMatch(/^[0-9a-f]{64}$/);

      const intact = await verifyChain(db.pool, 'audit_log', dir);
      expect(intact.problems).toEqual([]);
      expect(intact.archived).toBe(3);
      // Without its archive, the month's events are reported removed.
      const missing = await verifyChain(db.pool, 'audit_log', null);
      expect(missing.problems[0]).toMatchObject({ kind: 'removed', eventId: String(rows[0].id) });

      const csv = gunzipSync(await readFile(archived[0].file)).toString('utf8');
      await writeFile(archived[0].file, gzipSync(Buffer.from(csv.replace('old event 2', 'old event 9'))));
      const tampered = await verifyChain(db.pool, 'audit_log', dir);
      expect(tampered.problems[0]).toMatchObject({ kind: 'changed', eventId: String(rows[1].id) });
      const { code, out } = await cli(dir);
      expect(code).toBe(1);
      expect(out).toContain(`event #${rows[1].id} (chain position`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('verify names the event a superuser tampered with, guards off', () => {
  let tdb: TestDatabase;
  let tsealer: AuditSealer;
  let events: number[];

  beforeAll(async () => {
    tdb = await testDatabase();
    tsealer = new AuditSealer(tdb.pool, { everyMs: 1000, batch: 5000, warn: () => undefined });
    for (let i = 0; i < 6; i++) await tdb.pool.query(`UPDATE student SET comments = $1 WHERE id = 2`, [`edit ${i}`]);
    events = (await tdb.pool.query(`SELECT id FROM audit_log ORDER BY id DESC LIMIT 6`)).rows.map((r) => Number(r.id)).reverse();
    await tsealer.catchUp();
    expect((await verifyChain(tdb.pool, 'audit_log', null)).problems).toEqual([]);
  });

  afterAll(async () => {
    await tdb?.drop();
  });

  const superuser = (sql: string, values: unknown[] = []) => guardsOff(tdb, sql, values);

  it('an event changed', async () => {
    await superuser(`UPDATE audit_log SET changed_data = jsonb_set(changed_data, '{comments}', '"forged"') WHERE id = $1`, [events[1]]);
    const report = await verifyChain(tdb.pool, 'audit_log', null);
    expect(report.problems[0]).toMatchObject({ kind: 'changed', eventId: String(events[1]) });
    expect(report.problems).toHaveLength(1);
    const { code, out } = await cli(undefined, tdb.url);
    expect(code).toBe(1);
    expect(out).toContain(`TAMPERED: event #${events[1]} (chain position`);
    expect(out).toContain('was changed');
  });

  it('an event removed', async () => {
    await superuser(`DELETE FROM audit_log WHERE id = $1`, [events[3]]);
    const report = await verifyChain(tdb.pool, 'audit_log', null);
    expect(report.problems.map((p) => [p.kind, p.eventId])).toEqual([
      ['changed', String(events[1])],
      ['removed', String(events[3])],
    ]);
  });

  it('an event removed with its seal', async () => {
    await superuser(`DELETE FROM audit_log WHERE id = $1`, [events[4]]);
    await superuser(`DELETE FROM audit_seal WHERE chain = 'audit_log' AND event_id = $1`, [events[4]]);
    const report = await verifyChain(tdb.pool, 'audit_log', null);
    expect(report.problems[2]).toMatchObject({ kind: 'removed' });
    expect(report.problems[2].message).toContain(`after #${events[3]} and before #${events[5]}`);
  });

  it('an event inserted out of order', async () => {
    // A forged event slipped in below the sealed range, with an id no real event holds.
    const forged = events[0] - 100_000;
    await superuser(
      `INSERT INTO audit_log (id, table_name, record_pk, action, changed_data, occurred_at) VALUES ($1, 'student', '{"id": 2}', 'UPDATE', '{"comments": "backdated"}', now() - interval '1 day')`,
      [forged],
    );
    await tsealer.catchUp();
    const report = await verifyChain(tdb.pool, 'audit_log', null);
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'out-of-order', eventId: String(forged) }));
    // ...and the sealer did not take it into the chain.
    expect((await tdb.pool.query(`SELECT 1 FROM audit_seal WHERE chain = 'audit_log' AND event_id = $1`, [forged])).rowCount).toBe(0);
  });

  it('the same in access_log', async () => {
    await tdb.pool.query(`INSERT INTO access_log (user_id, table_name, record_ids, action) SELECT 1, 'student', ARRAY[g::bigint], 'show' FROM generate_series(1, 3) g`);
    await tsealer.catchUp();
    const ids = (await tdb.pool.query(`SELECT id FROM access_log ORDER BY id`)).rows.map((r) => Number(r.id));
    await superuser(`UPDATE access_log SET user_id = 2 WHERE id = $1`, [ids[1]]);
    const report = await verifyChain(tdb.pool, 'access_log', null);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'changed', eventId: String(ids[1]) })]);
  });

  it('the same in auth_event (sign-ins), which audit:verify walks too', async () => {
    await tdb.pool.query(`INSERT INTO auth_event (event, outcome, method, email, detail) SELECT 'sign-in', 'failure', 'password', 'x' || g || '@demo.kcsos.invalid', 'wrong password' FROM generate_series(1, 3) g`);
    await tsealer.catchUp();
    expect((await verifyChain(tdb.pool, 'auth_event', null)).problems).toEqual([]);
    const ids = (await tdb.pool.query(`SELECT id FROM auth_event ORDER BY id`)).rows.map((r) => Number(r.id));
    await superuser(`DELETE FROM auth_event WHERE id = $1`, [ids[1]]);
    const report = await verifyChain(tdb.pool, 'auth_event', null);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'removed', eventId: String(ids[1]) })]);
    const { code, out } = await cli(undefined, tdb.url);
    expect(code).toBe(1);
    expect(out).toContain(`auth_event: TAMPERED: event #${ids[1]} (chain position`);
  });
});

describe('signed chain heads: the newest events removed with their seals, guards off', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const PRIVATE_PEM = String(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const PUBLIC_PEM = String(publicKey.export({ type: 'spki', format: 'pem' }));
  let kdb: TestDatabase;
  let dir: string;
  let events: number[];

  beforeAll(async () => {
    kdb = await testDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), 'kcsos-checkpoints-'));
    for (let i = 0; i < 5; i++) await kdb.pool.query(`UPDATE student SET comments = $1 WHERE id = 4`, [`head ${i}`]);
    events = (await kdb.pool.query(`SELECT id FROM audit_log ORDER BY id DESC LIMIT 5`)).rows.map((r) => Number(r.id)).reverse();
    await new AuditSealer(kdb.pool, { everyMs: 1000, batch: 5000, warn: () => undefined }).catchUp();
  });

  afterAll(async () => {
    await kdb?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const superuser = (sql: string, values: unknown[] = []) => guardsOff(kdb, sql, values);
  const env = () => ({ AUDIT_SIGNING_KEY: PRIVATE_PEM });

  it('verify names the removed tail, from the checkpoint in the database and from its copy outside it', async () => {
    const key = await loadSigningKey(PRIVATE_PEM, dir);
    const signed = await signCheckpoints(kdb.pool, key, dir);
    const head = signed.find((c) => c.chain === 'audit_log')!;
    expect(head.event_id).toBe(String(events[4]));
    // Signed once per head: nothing new to sign.
    expect(await signCheckpoints(kdb.pool, key, dir)).toEqual([]);
    expect((await readFile(checkpointFile(dir, 'audit_log'), 'utf8')).trim().split('\n')).toHaveLength(1);
    const intact = await verifyAll(kdb.pool, dir, PUBLIC_PEM);
    expect(intact.flatMap((r) => r.problems)).toEqual([]);
    expect(intact[0].checkpoint).toEqual({ seq: head.seq, signed_at: head.signed_at });
    const ok = await cli(dir, kdb.url, env());
    expect(ok.out).toContain(`audit_log: reaches its head signed at ${head.signed_at}`);
    expect(ok.code).toBe(0);

    // The two newest events and their seals deleted by a superuser with the guards off.
    await superuser(`DELETE FROM audit_log WHERE id = ANY($1::bigint[])`, [events.slice(3)]);
    await superuser(`DELETE FROM audit_seal WHERE chain = 'audit_log' AND event_id = ANY($1::bigint[])`, [events.slice(3)]);
    // The chain alone is consistent: what is left links up.
    expect((await verifyChain(kdb.pool, 'audit_log', dir)).problems).toEqual([]);
    const [cut] = await verifyAll(kdb.pool, dir, PUBLIC_PEM);
    expect(cut.problems).toEqual([expect.objectContaining({ kind: 'removed', eventId: String(events[4]), seq: head.seq })]);
    expect(cut.problems[0].message).toContain(`the newest 2 sealed events, up to event #${events[4]}, were removed with their seals`);
    const failed = await cli(dir, kdb.url, env());
    expect(failed.code).toBe(1);
    expect(failed.out).toContain(`TAMPERED: the chain ends at position ${Number(head.seq) - 2}, but its head signed at ${head.signed_at} was position ${head.seq} (event #${events[4]})`);

    // The checkpoints deleted from the database too: the copy outside it still shows the cut.
    await superuser(`DELETE FROM audit_checkpoint`);
    const [still] = await verifyAll(kdb.pool, dir, PUBLIC_PEM);
    expect(still.problems).toEqual([expect.objectContaining({ kind: 'removed', eventId: String(events[4]) })]);

    // A newer head slipped into the table, signed with another key, does not pass for a checkpoint.
    const other = await loadSigningKey(String(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' })), dir);
    await kdb.pool.query(
      `INSERT INTO audit_checkpoint (chain, seq, event_id, hash, signed_at, key_id, signature) VALUES ('audit_log', 99999, 1, 'x', now(), $1, 'c2lnbmVk')`,
      [other.keyId],
    );
    const [forged] = await verifyAll(kdb.pool, dir, PUBLIC_PEM);
    expect(forged.problems[0].message).toMatch(/does not verify \(signed by another key/);
    expect(forged.problems.at(-1)).toMatchObject({ kind: 'removed', eventId: String(events[4]) });
  });
});
