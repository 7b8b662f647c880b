import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { archiveOldPartitions, ensureLogPartitions, monthStart } from '../../server/audit/audit-partitions.js';
import { AuditSealer } from '../../server/audit/sealer.js';
import { verifyAll } from '../../server/audit/chain-verify.js';
import { client, serverForTests, signIn } from '../support/server.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const PRIVATE_PEM = String(privateKey.export({ type: 'pkcs8', format: 'pem' }));
const PUBLIC_PEM = String(publicKey.export({ type: 'spki', format: 'pem' }));
/** The server's archive folder: the last test archives a month into it. */
const ARCHIVE_DIR = mkdtempSync(path.join(os.tmpdir(), 'kcsos-evidence-archive-'));
const ctx = serverForTests({ env: { AUDIT_SIGNING_KEY: PRIVATE_PEM, AUDIT_ARCHIVE_DIR: ARCHIVE_DIR, AUDIT_CHECKPOINT_INTERVAL_MS: '300' } });
const run = promisify(execFile);

/** `npm run audit:verify-export` (the compiled CLI). */
async function verifyExport(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(path.resolve('node_modules/.bin/node'), ['dist/server/cli/audit-verify-export.js', ...args], { env: { ...process.env, DATABASE_URL: '' } });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, out: e.stdout };
  }
}

async function saved(dir: string, body: { name: string; file: string; signature: string }): Promise<string> {
  const file = path.join(dir, body.name);
  await writeFile(file, body.file);
  await writeFile(`${file}.sig`, body.signature + '\n');
  return file;
}

describe('signed evidence exports', () => {
  it("exports a record's history and reads as a signed file that audit:verify-export checks against signature and chain", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kcsos-evidence-'));
    try {
      expect((await ctx.api('PUT', '/student/3', { comments: 'for the auditor' })).status).toBe(200);
      expect((await ctx.api('GET', '/student/3')).status).toBe(200);
      await new AuditSealer(ctx.db.pool, { everyMs: 1000, batch: 5000, warn: () => undefined }).catchUp();
      const res = await ctx.api('GET', '/student/3/history/evidence');
      expect(res.status).toBe(200);
      const evidence = JSON.parse(res.body.file);
      expect(evidence.subject).toEqual({ kind: 'record', resource: 'student', id: 3 });
      const [audit, access] = evidence.sections;
      const history = (await ctx.db.pool.query(`SELECT id::text AS event_id FROM audit_log WHERE table_name = 'student' AND record_pk = '{"id": 3}' ORDER BY id`)).rows.map((r) => r.event_id);
      expect(audit.events.map((e: { event_id: string }) => e.event_id)).toEqual(history);
      expect(audit.events.at(-1).canonical).toContain('for the auditor');
      expect(access.chain).toBe('access_log');
      expect(access.events.some((e: { canonical: string }) => JSON.parse(e.canonical)[4] === 'show')).toBe(true);

      const file = await saved(dir, res.body);
      await writeFile(path.join(dir, 'trusted.pem'), PUBLIC_PEM);
      const ok = await verifyExport([file, '--key', path.join(dir, 'trusted.pem'), '--database-url', ctx.db.url]);
      expect(ok.out).toContain('verified');
      expect(ok.out).toContain('found in the database chain');
      expect(ok.code).toBe(0);

      // One character changed: the signature and the event's link both fail.
      const text = await readFile(file, 'utf8');
      await writeFile(file, text.replace('for the auditor', 'for the auditer'));
      const bad = await verifyExport([file, '--key', path.join(dir, 'trusted.pem')]);
      expect(bad.code).toBe(1);
      expect(bad.out).toContain('FAIL signature');
      expect(bad.out).toContain(`event #${history.at(-1)}: its content does not give its hash`);

      // Signed by someone else: refused with the trusted key.
      const other = generateKeyPairSync('ed25519');
      const forged = (await import('node:crypto')).sign(null, Buffer.from(text), other.privateKey).toString('base64');
      await writeFile(file, text);
      await writeFile(`${file}.sig`, forged);
      expect((await verifyExport([file, '--key', path.join(dir, 'trusted.pem')])).code).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is also written by `npm run audit:export` on the server, and verifies the same way', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kcsos-evidence-cli-'));
    try {
      await new AuditSealer(ctx.db.pool, { everyMs: 1000, batch: 5000, warn: () => undefined }).catchUp();
      const { stdout } = await run(path.resolve('node_modules/.bin/node'), ['dist/server/cli/audit-export.js', '--record', 'student/3', '--out', dir], { env: { ...process.env, DATABASE_URL: ctx.db.url, AUDIT_SIGNING_KEY: PRIVATE_PEM } });
      const file = /wrote (\S+) \((\d+) events\)/.exec(stdout)!;
      expect(Number(file[2])).toBeGreaterThan(0);
      await writeFile(path.join(dir, 'trusted.pem'), PUBLIC_PEM);
      const ok = await verifyExport([file[1], '--key', path.join(dir, 'trusted.pem'), '--database-url', ctx.db.url]);
      expect(ok.code).toBe(0);
      const usage = await run(path.resolve('node_modules/.bin/node'), ['dist/server/cli/audit-export.js', '--log', 'nothing'], { env: { ...process.env, DATABASE_URL: ctx.db.url } }).catch((e: { code: number }) => e);
      expect((usage as { code: number }).code).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exports a date range of the audit log or the access log', async () => {
    await new AuditSealer(ctx.db.pool, { everyMs: 1000, batch: 5000, warn: () => undefined }).catchUp();
    const today = new Date().toISOString().slice(0, 10);
    for (const log of ['audit_log', 'access_log']) {
      const res = await ctx.api('GET', `/evidence/${log}?from=${today}&to=${today}`);
      expect(res.status).toBe(200);
      const evidence = JSON.parse(res.body.file);
      expect(evidence.sections).toHaveLength(1);
      expect(evidence.sections[0].events.length).toBeGreaterThan(0);
      for (const e of evidence.sections[0].events) expect(JSON.parse(e.canonical)[log === 'audit_log' ? 7 : 5].slice(0, 10)).toBe(today);
      const seqs = evidence.sections[0].events.map((e: { seq: string }) => Number(e.seq));
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
    expect((await ctx.api('GET', `/evidence/audit_log?from=yesterday&to=${today}`)).status).toBe(400);
    expect((await ctx.api('GET', `/evidence/audit_log?from=${today}&to=2000-01-01`)).status).toBe(400);
    expect((await ctx.api('GET', `/evidence/student?from=${today}&to=${today}`)).status).toBe(404);
    const practitioner = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'practitioner'));
    expect((await practitioner('GET', `/evidence/audit_log?from=${today}&to=${today}`)).status).toBe(403);
    expect((await practitioner('GET', '/student/3/history/evidence')).status).toBeGreaterThanOrEqual(403);
  });

  it('the server signs each chain head it seals, in the database and in the archive folder, and verify checks the chain against it', async () => {
    expect((await ctx.api('PUT', '/student/5', { comments: 'signed head' })).status).toBe(200);
    const event = (await ctx.db.pool.query(`SELECT max(id)::text AS id FROM audit_log`)).rows[0].id;
    // Sealed within a second, signed within the checkpoint interval after that: poll, do not sleep.
    let head: { seq: string; event_id: string } | undefined;
    for (let i = 0; i < 300 && !head; i++) {
      head = (await ctx.db.pool.query(`SELECT seq::text, event_id::text FROM audit_checkpoint WHERE chain = 'audit_log' AND event_id >= $1 ORDER BY seq DESC LIMIT 1`, [event])).rows[0];
      if (!head) await new Promise((r) => setTimeout(r, 100));
    }
    expect(head).toBeDefined();
    const lines = (await readFile(path.join(ARCHIVE_DIR, 'audit_log.checkpoints.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.seq)).toContain(head!.seq);
    const [report] = await verifyAll(ctx.db.pool, ARCHIVE_DIR, PUBLIC_PEM);
    expect(report.problems).toEqual([]);
    expect(Number(report.checkpoint!.seq)).toBeGreaterThanOrEqual(Number(head!.seq));
  });

  it('takes archived months in too: a record\'s history and a range read them back from the archive files, and audit:verify-export verifies them', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kcsos-evidence-archived-'));
    try {
      const old = monthStart(new Date(), -4);
      const inMonth = new Date(old.getTime() + 86_400_000).toISOString();
      const audit = [] as string[];
      const access = [] as string[];
      for (const log of ['audit_log', 'access_log'] as const) await ensureLogPartitions(ctx.db.pool, log, { ahead: 0, now: old });
      const q = async (sql: string, params: unknown[]) => (await ctx.db.pool.query(sql, params)).rows.map((r) => String(r.id));
      audit.push(...(await q(`INSERT INTO audit_log (table_name, record_pk, action, changed_data, old_data, occurred_at, reason) SELECT 'student', '{"id": 3}', 'UPDATE', '{"comments": "archived comment"}', '{"comments": "older"}', $1::timestamptz + g * interval '1 hour', 'archived month ' || g FROM generate_series(1, 2) g RETURNING id`, [inMonth])));
      access.push(...(await q(`INSERT INTO access_log (user_id, table_name, record_ids, action, occurred_at) VALUES (1, 'student', '{3,4}', 'show', $1) RETURNING id`, [inMonth])));
      const sealer = new AuditSealer(ctx.db.pool, { everyMs: 1000, batch: 5000, warn: () => undefined });
      for (const log of ['audit_log', 'access_log'] as const) {
        expect((await archiveOldPartitions(ctx.db.pool, log, { keepMonths: 2, dir: ARCHIVE_DIR, seal: () => sealer.catchUp() })).length).toBe(1);
      }
      expect((await ctx.db.pool.query(`SELECT 1 FROM audit_log WHERE id = ANY($1::bigint[])`, [audit])).rowCount).toBe(0);
      await writeFile(path.join(dir, 'trusted.pem'), PUBLIC_PEM);

      // The record's history: its archived events and the live ones, in chain order.
      const record = await ctx.api('GET', '/student/3/history/evidence');
      expect(record.status).toBe(200);
      const [auditSection, accessSection] = JSON.parse(record.body.file).sections;
      const archived = auditSection.events.filter((e: { event_id: string }) => audit.includes(e.event_id));
      expect(archived.map((e: { event_id: string }) => e.event_id)).toEqual(audit);
      expect(archived[0].canonical).toContain('archived comment');
      expect(auditSection.events.length).toBeGreaterThan(2);
      expect(accessSection.events.map((e: { event_id: string }) => e.event_id)).toContain(access[0]);
      const recordFile = await saved(dir, record.body);
      const ok = await verifyExport([recordFile, '--key', path.join(dir, 'trusted.pem'), '--database-url', ctx.db.url]);
      expect(ok.out).toContain('found in the database chain');
      expect(ok.code).toBe(0);

      // A range inside the archived month: only what the archives hold.
      const day = inMonth.slice(0, 10);
      for (const [log, ids] of [['audit_log', audit], ['access_log', access]] as const) {
        const range = await ctx.api('GET', `/evidence/${log}?from=${day}&to=${day}`);
        expect(range.status).toBe(200);
        expect(JSON.parse(range.body.file).sections[0].events.map((e: { event_id: string }) => e.event_id)).toEqual(ids);
        const rangeFile = await saved(dir, range.body);
        const checked = await verifyExport([rangeFile, '--key', path.join(dir, 'trusted.pem'), '--database-url', ctx.db.url]);
        expect(checked.out).toContain(`${log}: ${ids.length} events, every link recomputed and found in the database chain`);
        expect(checked.code).toBe(0);
        // Changed inside the exported archived event: refused.
        await writeFile(rangeFile, (await readFile(rangeFile, 'utf8')).replace(/"(\[\d+,)/, '"$1 '));
        expect((await verifyExport([rangeFile, '--key', path.join(dir, 'trusted.pem')])).code).toBe(1);
      }

      // An archive file missing from the folder: a clear 503, not a file silently lacking its events.
      const file = (await ctx.db.pool.query(`SELECT file FROM audit_archive WHERE chain = 'audit_log'`)).rows[0].file;
      await rename(path.join(ARCHIVE_DIR, file), path.join(dir, file));
      const missing = await ctx.api('GET', `/evidence/audit_log?from=${day}&to=${day}`);
      expect(missing.status).toBe(503);
      expect(missing.body.message).toContain(`(${file}) is not in the archive folder`);
      await rename(path.join(dir, file), path.join(ARCHIVE_DIR, file));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

afterAll(async () => {
  await rm(ARCHIVE_DIR, { recursive: true, force: true });
});
