import { describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { archiveOldPartitions, ensureLogPartitions, monthStart } from '../../server/audit/audit-partitions.js';
import { AuditSealer } from '../../server/audit/sealer.js';
import { serverForTests } from '../support/server.js';

/**
 * Time travel and retention: a moment before the last event of an archived month cannot be
 * answered from the log (the events after it are in the archive files), so every as-of read
 * refuses it with 410 naming the earliest moment that can be answered. And history links each
 * event to the version it produced.
 */
const ctx = serverForTests();
const one = async (sql: string, params: unknown[] = []) => (await ctx.db.pool.query(sql, params)).rows[0];
const utc = `to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

describe('history links each event to the version it produced', () => {
  it('gives every event the moment and the links that read its version back and compare it with now', async () => {
    const m = (await ctx.api('POST', '/modifier', { code: 'HL', description: 'first' })).body;
    await ctx.api('PUT', `/modifier/${m.id}`, { description: 'second' });
    await ctx.api('PUT', `/modifier/${m.id}`, { description: 'third' });
    const history = (await ctx.api('GET', `/modifier/${m.id}/history`)).body;
    expect(history.map((e: { action: string }) => e.action)).toEqual(['UPDATE', 'UPDATE', 'INSERT']);
    // The history's own shape is unchanged; the link is one more field.
    expect(history[1]).toMatchObject({ id: expect.any(Number), changes: [{ field: 'description', before: 'first', after: 'second' }], occurred_at: expect.any(String) });
    const expected = ['third', 'second', 'first'];
    for (const [i, e] of history.entries()) {
      expect(e.version).toEqual({ as_of: e.occurred_at, record: `/api/modifier/${m.id}?as_of=${encodeURIComponent(e.occurred_at)}`, compare: `/api/modifier/${m.id}/compare?from=${e.id}&to=current` });
      const version = await ctx.api('GET', e.version.record.replace(/^\/api/, ''));
      expect(version.status).toBe(200);
      expect(version.body.description).toBe(expected[i]);
      const compared = (await ctx.api('GET', e.version.compare.replace(/^\/api/, ''))).body;
      expect(compared.from.record.description).toBe(expected[i]);
      expect(compared.to.record.description).toBe('third');
    }
    // A deletion produced no version: nothing to read back, still something to compare.
    await ctx.api('DELETE', `/modifier/${m.id}`);
    const [deleted] = (await ctx.api('GET', `/modifier/${m.id}/history`)).body;
    expect(deleted.version).toMatchObject({ as_of: null, record: null, compare: `/api/modifier/${m.id}/compare?from=${deleted.id}&to=current` });
  });
});

describe('moments older than the archives', () => {
  it('refuses them with 410 for a record, a list, a restore and a compare, and answers again once the month is loaded back', async () => {
    const m = (await ctx.api('POST', '/modifier', { code: 'AR', description: 'now' })).body;
    // A month four months back, with two events of this record in it, archived under retention.
    const old = monthStart(new Date(), -4);
    await ensureLogPartitions(ctx.db.pool, 'audit_log', { ahead: 0, now: old });
    const partition = `audit_log_p${old.toISOString().slice(0, 7).replace('-', '_')}`;
    const events = (
      await ctx.db.pool.query(
        `INSERT INTO audit_log (table_name, record_pk, action, changed_data, old_data, occurred_at, reason)
         SELECT 'modifier', jsonb_build_object('id', $1::bigint), 'UPDATE', '{"description": "then"}', '{"description": "before"}', $2::timestamptz + g * interval '1 hour', 'archived ' || g
           FROM generate_series(1, 2) g RETURNING id`,
        [m.id, new Date(old.getTime() + 86_400_000).toISOString()],
      )
    ).rows.map((r) => Number(r.id));
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kcsos-asof-archive-'));
    try {
      const sealer = new AuditSealer(ctx.db.pool, { everyMs: 1000, batch: 5000, warn: () => undefined });
      const archived = await archiveOldPartitions(ctx.db.pool, 'audit_log', { keepMonths: 2, dir, seal: () => sealer.catchUp() });
      expect(archived.map((a) => a.partition)).toEqual([partition]);
      const until = (await one(`SELECT to_char(max(occurred_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS t FROM audit_seal WHERE event_id = ANY($1) AND chain = 'audit_log'`, [events])).t;
      const before = new Date(old.getTime() + 86_400_000).toISOString();
      const countBefore = Number((await one(`SELECT count(*) AS n FROM audit_log`)).n);

      const refusals = [
        await ctx.api('GET', `/modifier/${m.id}?as_of=${encodeURIComponent(before)}`),
        await ctx.api('GET', `/modifier?as_of=${encodeURIComponent(before)}`),
        await ctx.api('GET', `/modifier?as_of=${old.toISOString().slice(0, 10)}`),
        await ctx.api('GET', `/audit_log?as_of=${encodeURIComponent(before)}`),
        await ctx.api('POST', `/modifier/${m.id}/restore/preview`, { as_of: before }),
        await ctx.api('POST', `/modifier/${m.id}/restore`, { as_of: before }, { 'x-change-reason': 'r', 'if-match': '*' }),
      ];
      for (const res of refusals) {
        expect(res.status).toBe(410);
        expect(res.body.code).toBe('GONE');
        expect(res.body.message).toContain(`Moments from ${until} on can be answered`);
        expect(res.body.answerable_from).toBe(until);
        expect(JSON.stringify(res.body)).not.toMatch(/SELECT|audit_archive|at .*\.js/);
      }
      // An archived event cannot be compared or restored to; what is in the log can.
      for (const res of [
        await ctx.api('GET', `/modifier/${m.id}/compare?from=${events[0]}&to=current`),
        await ctx.api('POST', `/modifier/${m.id}/restore/preview`, { event: events[1] }),
      ]) {
        expect(res.status).toBe(410);
        expect(res.body.message).toMatch(new RegExp(`Event (${events.join('|')}) is in an audit month archived under retention`));
        expect(res.body.answerable_from).toBe(until);
      }
      // Nothing was written by the refusals.
      expect(Number((await one(`SELECT count(*) AS n FROM audit_log`)).n)).toBe(countBefore);

      // From the last archived event on, moments are answered (the record did not exist yet: 404).
      expect((await ctx.api('GET', `/modifier/${m.id}?as_of=${encodeURIComponent(until)}`)).status).toBe(404);
      expect((await ctx.api('GET', `/modifier?as_of=${encodeURIComponent(until)}`)).status).toBe(200);
      const nowMoment = (await one(`SELECT ${utc} AS t`)).t;
      expect((await ctx.api('GET', `/modifier/${m.id}?as_of=${encodeURIComponent(nowMoment)}`)).body.description).toBe('now');
      // Versions answer what the log holds, and say until when history is archived.
      const versions = await ctx.api('GET', `/modifier/${m.id}/versions`);
      expect(versions.status).toBe(200);
      expect(versions.headers.get('x-versions-archived-until')).toBe(until);
      expect(versions.body.map((v: { id: number }) => v.id)).not.toContain(events[0]);

      // The month loaded back into the log (its partition exists again): answered again.
      await ctx.db.pool.query(`SELECT audit_log_create_partition($1::date)`, [old.toISOString().slice(0, 10)]);
      expect((await ctx.api('GET', `/modifier/${m.id}?as_of=${encodeURIComponent(before)}`)).status).toBe(404);
      expect((await ctx.api('GET', `/modifier?as_of=${encodeURIComponent(before)}`)).status).toBe(200);
      expect((await ctx.api('GET', `/modifier/${m.id}/versions`)).headers.get('x-versions-archived-until')).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
