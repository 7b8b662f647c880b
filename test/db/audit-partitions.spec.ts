import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { archiveOldAuditPartitions, ensureAuditPartitions, monthStart } from '../../server/audit/audit-partitions.js';
import { migrate } from '../../server/db/database.js';
import { testDatabase } from '../support/database.js';
import { serverForTests } from '../support/server.js';

const ctx = serverForTests();
const partitionOf = (month: Date) => `audit_log_p${month.toISOString().slice(0, 7).replace('-', '_')}`;
const now = new Date();
const old = monthStart(now, -3);
const older = monthStart(now, -4);

async function insertOldEvent(id: number, at: Date, reason: string): Promise<number> {
  const { rows } = await ctx.db.pool.query(
    `INSERT INTO audit_log (table_name, record_pk, action, changed_data, old_data, occurred_at, reason)
     VALUES ('student', jsonb_build_object('id', $1::int), 'UPDATE', '{"comments": "after"}', '{"comments": "before"}', $2, $3) RETURNING id`,
    [id, at.toISOString(), reason],
  );
  return Number(rows[0].id);
}

async function partitionHolding(id: number): Promise<string> {
  const { rows } = await ctx.db.pool.query(`SELECT tableoid::regclass::text AS p FROM audit_log WHERE id = $1`, [id]);
  return rows[0]?.p;
}

describe('the partitioned audit log', () => {
  it('is partitioned by month, with this month and the next ones created ahead by the server', async () => {
    const { rows } = await ctx.db.pool.query(`SELECT c.relkind FROM pg_class c WHERE c.relname = 'audit_log'`);
    expect(rows[0].relkind).toBe('p');
    for (const month of [0, 1, 2, 3].map((i) => partitionOf(monthStart(now, i)))) {
      const found = await ctx.db.pool.query(`SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass($1) AND inhparent = 'audit_log'::regclass`, [month]);
      expect(found.rowCount).toBe(1);
    }
  });

  it('puts each row in its month, and history spans the months', async () => {
    expect(await ensureAuditPartitions(ctx.db.pool, { ahead: 0, now: old })).toEqual([partitionOf(old)]);
    const student = (await ctx.api('GET', '/student?range=[0,0]')).body[0];
    const before = (await ctx.api('GET', `/student/${student.id}/history`)).body.length;
    const oldId = await insertOldEvent(student.id, new Date(old.getTime() + 10 * 86_400_000), 'an old correction');
    const updated = await ctx.api('PUT', `/student/${student.id}`, { comments: 'changed this month' });
    expect(updated.status).toBe(200);
    const history = (await ctx.api('GET', `/student/${student.id}/history`)).body;
    expect(history).toHaveLength(before + 2);
    expect(history[0].changes).toContainEqual(expect.objectContaining({ field: 'comments', after: 'changed this month' }));
    expect(history).toContainEqual(expect.objectContaining({ id: oldId, reason: 'an old correction' }));
    expect(await partitionHolding(oldId)).toBe(partitionOf(old));
    expect(await partitionHolding(history[0].id)).toBe(partitionOf(monthStart(now)));
    // The audit log's own API still finds an event by its id alone.
    expect((await ctx.api('GET', `/audit_log/${oldId}`)).body).toMatchObject({ id: oldId, reason: 'an old correction' });
  });

  it('keeps a row no partition covers in the default partition, and stays append-only', async () => {
    const id = await insertOldEvent(1, new Date(Date.UTC(now.getUTCFullYear() + 5, 0, 1)), 'far future');
    expect(await partitionHolding(id)).toBe('audit_log_default');
    await expect(ctx.db.pool.query(`DELETE FROM audit_log WHERE id = $1`, [id])).rejects.toThrow(/append-only/);
    await expect(ctx.db.pool.query(`UPDATE audit_log SET reason = 'x' WHERE id = $1`, [id])).rejects.toThrow(/append-only/);
    await expect(ctx.db.pool.query(`TRUNCATE ${partitionOf(monthStart(now))}`)).rejects.toThrow(/append-only/);
    await expect(ctx.db.pool.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
  });

  it('archives months past the retention: detached, dumped to a gzip\'d CSV, rows no longer in the log', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kcsos-archive-'));
    try {
      // A month detached by an interrupted earlier run is finished too.
      await ensureAuditPartitions(ctx.db.pool, { ahead: 0, now: older });
      const leftover = await insertOldEvent(2, new Date(older.getTime() + 86_400_000), 'detached leftover');
      await ctx.db.pool.query(`ALTER TABLE audit_log DETACH PARTITION ${partitionOf(older)}`);
      const inOld = await ctx.db.pool.query(`SELECT id FROM audit_log WHERE occurred_at >= $1 AND occurred_at < $2 ORDER BY id`, [old, monthStart(old, 1)]);
      expect(inOld.rowCount).toBeGreaterThan(0);

      const archived = await archiveOldAuditPartitions(ctx.db.pool, { keepMonths: 2, dir });
      expect(archived.map((a) => a.partition).sort()).toEqual([partitionOf(older), partitionOf(old)]);
      expect(archived.find((a) => a.partition === partitionOf(old))!.rows).toBe(inOld.rowCount);

      const csv = gunzipSync(await readFile(path.join(dir, `${partitionOf(old)}.csv.gz`))).toString('utf8');
      const [header, ...lines] = csv.trim().split('\n');
      expect(header).toBe('id,table_name,record_pk,action,changed_data,old_data,user_id,occurred_at,txid,reason');
      expect(lines.map((l) => Number(l.split(',')[0]))).toEqual(inOld.rows.map((r) => Number(r.id)));
      expect(csv).toContain('an old correction');
      expect(gunzipSync(await readFile(path.join(dir, `${partitionOf(older)}.csv.gz`))).toString('utf8')).toContain(`${leftover},student`);

      // The months left the log whole: no table, no rows; the current month is untouched.
      expect((await ctx.db.pool.query(`SELECT to_regclass($1) AS t`, [partitionOf(old)])).rows[0].t).toBeNull();
      expect((await ctx.db.pool.query(`SELECT 1 FROM audit_log WHERE occurred_at < $1`, [monthStart(old, 1)])).rowCount).toBe(0);
      expect((await ctx.db.pool.query(`SELECT 1 FROM audit_log WHERE occurred_at >= $1`, [monthStart(now)])).rowCount).toBeGreaterThan(0);
      expect(await archiveOldAuditPartitions(ctx.db.pool, { keepMonths: 2, dir })).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the migration to a partitioned audit log', () => {
  it('keeps every existing row and id, and new rows continue the same sequence', async () => {
    const db = await testDatabase({ empty: true });
    try {
      await db.orm.migrator.up({ to: 'Migration20261125040000ClaimListIndex' });
      await db.pool.query(`INSERT INTO modifier (code, description) VALUES ('ZZ', 'before'), ('ZY', 'before')`);
      await db.pool.query(`UPDATE modifier SET description = 'edited' WHERE code = 'ZZ'`);
      const before = (await db.pool.query(`SELECT * FROM audit_log ORDER BY id`)).rows;
      expect(before).toHaveLength(3);
      await migrate(db);
      expect((await db.pool.query(`SELECT relkind FROM pg_class WHERE relname = 'audit_log'`)).rows[0].relkind).toBe('p');
      expect((await db.pool.query(`SELECT * FROM audit_log ORDER BY id`)).rows).toEqual(before);
      await db.pool.query(`DELETE FROM modifier WHERE code = 'ZY'`);
      const last = (await db.pool.query(`SELECT id, action FROM audit_log ORDER BY id DESC LIMIT 1`)).rows[0];
      expect(last).toEqual({ id: String(Number(before.at(-1).id) + 1), action: 'DELETE' });
    } finally {
      await db.drop();
    }
  });
});
