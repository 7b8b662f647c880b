import { describe, expect, it } from '@jest/globals';
import { client, serverForTests, signIn } from '../support/server.js';

const ctx = serverForTests();

const REASON = { 'x-change-reason': 'payer rejected the batch' };
const auditCount = async () => Number((await ctx.db.pool.query(`SELECT count(*) FROM audit_log`)).rows[0].count);
const batch = async () => (await ctx.db.pool.query(`SELECT id, status, updated_by FROM claim WHERE batch_number = 'BULK-500' ORDER BY id`)).rows;

describe('bulk edit', () => {
  it('sets a field on the 500 rows a filter matches (count first), as one change set undone as one', async () => {
    await ctx.db.pool.query(`UPDATE claim SET batch_number = 'BULK-500' WHERE id IN (SELECT id FROM claim WHERE status <> 'Rejected' ORDER BY id LIMIT 500)`);
    const before = await batch();
    expect(before).toHaveLength(500);
    const audits = await auditCount();
    const request = { filter: { batch_number: 'BULK-500' }, data: { status: 'Rejected' } };

    const preview = await ctx.api('POST', '/claim/bulk-update/preview', request);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ applied: false, txid: null, counts: { rows: 500, update: 500, errors: 0 } });
    expect(preview.body.rows[0]).toMatchObject({ id: before[0].id, action: 'update', changes: [{ field: 'status', before: before[0].status, after: 'Rejected' }] });
    expect(await batch()).toEqual(before);
    expect(await auditCount()).toBe(audits);

    const invalid = await ctx.api('POST', '/claim/bulk-update/preview', { ...request, data: { status: 'Lost', nonsense: 1 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual({ status: expect.stringMatching(/must be one of/), nonsense: 'is not a field of this resource' });
    expect((await ctx.api('POST', '/claim/bulk-update', request)).status).toBe(400); // no reason
    expect(await auditCount()).toBe(audits);

    const applied = await ctx.api('POST', '/claim/bulk-update', request, REASON);
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ applied: true, counts: { update: 500 } });
    const events = (await ctx.db.pool.query(`SELECT action, reason, count(*)::int AS n FROM audit_log WHERE txid = $1 GROUP BY 1, 2`, [applied.body.txid])).rows;
    expect(events).toEqual([{ action: 'UPDATE', reason: 'payer rejected the batch', n: 500 }]);
    expect(await auditCount()).toBe(audits + 500);
    expect((await batch()).every((r) => r.status === 'Rejected')).toBe(true);

    const undo = await ctx.api('POST', `/audit_log/revert-change-set/${applied.body.txid}`);
    expect(undo.status).toBe(200);
    expect(undo.body.reverted).toHaveLength(500);
    expect((await batch()).map((r) => [r.id, r.status])).toEqual(before.map((r) => [r.id, r.status]));
    const undoEvents = (await ctx.db.pool.query(`SELECT count(DISTINCT txid)::int AS sets, count(*)::int AS n FROM audit_log WHERE id > (SELECT max(id) FROM audit_log) - 500`)).rows[0];
    expect(undoEvents).toEqual({ sets: 1, n: 500 });
  }, 120_000);

  it('edits selected rows within the caller\'s scope only: a row out of scope fails the whole edit', async () => {
    const districtAdmin = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'districtAdmin'));
    const districts = (await ctx.db.pool.query(`SELECT districts FROM app_user WHERE email = 'district.admin@demo.kcsos.invalid'`)).rows[0].districts as string[];
    const mine = (await ctx.db.pool.query(`SELECT id FROM claim WHERE district = ANY($1) ORDER BY id LIMIT 2`, [districts])).rows.map((r) => r.id);
    const other = (await ctx.db.pool.query(`SELECT id FROM claim WHERE NOT district = ANY($1) ORDER BY id LIMIT 1`, [districts])).rows[0].id;
    const request = { ids: [...mine, other], data: { location: 'School site B' } };
    const preview = await districtAdmin('POST', '/claim/bulk-update/preview', request);
    expect(preview.status).toBe(200);
    expect(preview.body.counts).toMatchObject({ rows: 3, update: 2, errors: 1 });
    expect(preview.body.rows[2]).toEqual({ line: 3, id: other, action: 'error', errors: { _record: `Claim ${other} not found` } });
    const audits = await auditCount();
    const refused = await districtAdmin('POST', '/claim/bulk-update', request, REASON);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe('1 row has errors: nothing was written');
    expect(await auditCount()).toBe(audits);
    const ok = await districtAdmin('POST', '/claim/bulk-update', { ...request, ids: mine }, REASON);
    expect(ok.status).toBe(200);
    expect(ok.body.counts).toMatchObject({ update: 2 });

    const practitioner = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'practitioner'));
    expect((await practitioner('POST', '/fee_schedule_code/bulk-update/preview', { ids: [1], data: { notes: 'x' } })).status).toBe(403);
    for (const body of [{ data: { notes: 'x' } }, { ids: [], data: { notes: 'x' } }, { ids: [1], filter: {}, data: { notes: 'x' } }, { ids: [1], data: {} }, { filter: { nope: 1 }, data: { notes: 'x' } }]) {
      const res = await ctx.api('POST', '/claim/bulk-update/preview', body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
  });
});

describe('undoing a change set is bulk work', () => {
  it('its previews and undos by one user run within the bulk budget: beyond it, 429 with Retry-After, and the server answers everyone', async () => {
    const request = { filter: { batch_number: 'BULK-500' }, data: { status: 'Rejected' } };
    const applied = await ctx.api('POST', '/claim/bulk-update', request, REASON);
    expect(applied.status).toBe(200);
    // Twelve previews of a 1,660-row change set at once took the server's heap; here six of 500 rows.
    const previews = await Promise.all(Array.from({ length: 6 }, () => ctx.api('POST', `/audit_log/revert-change-set/${applied.body.txid}/preview`)));
    const statuses = previews.map((p) => p.status);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    // BULK_PER_USER (2) at a time: the rest are told to come back, before they read a row.
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    const refused = previews.find((p) => p.status === 429)!;
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.body.message).toMatch(/undos of change sets/);
    // Their places are given back: the undo itself then runs, and one undo of the set is all there is.
    const undo = await ctx.api('POST', `/audit_log/revert-change-set/${applied.body.txid}`, undefined, REASON);
    expect(undo.status).toBe(200);
    expect((await batch()).every((r) => r.status !== 'Rejected')).toBe(true);
  }, 60_000);
});

describe('bulk delete', () => {
  const codes = async () => (await ctx.db.pool.query(`SELECT id FROM fee_schedule_code ORDER BY id`)).rows.map((r) => Number(r.id));
  const links = async (ids: number[]) => Number((await ctx.db.pool.query(`SELECT count(*) FROM fee_code_practitioner_type WHERE fee_schedule_code_id = ANY($1)`, [ids])).rows[0].count);

  it('deletes the selected records as one change set, and one undo brings them back with what they cascaded to', async () => {
    const before = await codes();
    const picked = before.slice(0, 3);
    const linked = await links(picked);
    expect(linked).toBeGreaterThan(0);
    const res = await ctx.api('POST', '/fee_schedule_code/bulk-delete', { ids: [...picked, picked[0]] }, { 'x-change-reason': 'retired codes' });
    expect(res.status).toBe(200);
    expect(res.body.deleted).toEqual(picked);
    expect(await codes()).toEqual(before.filter((id) => !picked.includes(id)));
    expect(await links(picked)).toBe(0);
    const events = (await ctx.db.pool.query(`SELECT DISTINCT txid, reason FROM audit_log WHERE txid = $1`, [res.body.txid])).rows;
    expect(events).toEqual([{ txid: String(res.body.txid), reason: 'retired codes' }]);
    expect((await ctx.api('POST', `/audit_log/revert-change-set/${res.body.txid}`)).status).toBe(200);
    expect(await codes()).toEqual(before);
    expect(await links(picked)).toBe(linked);
  });

  it('deletes nothing when one record is missing or out of reach, and refuses bad selections and missing permission', async () => {
    const support = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'support'));
    const practitioner = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'practitioner'));
    const districtAdmin = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'districtAdmin'));
    const before = await codes();
    const events = await auditCount(); // after the sign-ins, which are audited
    expect((await ctx.api('POST', '/fee_schedule_code/bulk-delete', { ids: [before[0], 999999] })).status).toBe(404);
    for (const body of [{}, { ids: [] }, { ids: ['1'] }, { ids: [0] }, [1, 2], { ids: Array.from({ length: 5001 }, (_, i) => i + 1) }]) {
      const res = await ctx.api('POST', '/fee_schedule_code/bulk-delete', body);
      expect([400, 413]).toContain(res.status);
    }
    expect((await support('POST', '/claim/bulk-delete', { ids: [1] })).status).toBe(403);
    expect((await practitioner('POST', '/student/bulk-delete', { ids: [1] })).status).toBe(403);
    expect(await codes()).toEqual(before);
    // A district admin may delete claims, but not one of another district: then none is deleted.
    const { districts } = (await ctx.db.pool.query(`SELECT districts FROM app_user WHERE email = 'district.admin@demo.kcsos.invalid'`)).rows[0];
    const inside = (await ctx.db.pool.query(`SELECT id FROM claim WHERE district = ANY($1) ORDER BY id LIMIT 1`, [districts])).rows[0].id;
    const outside = (await ctx.db.pool.query(`SELECT id FROM claim WHERE NOT district = ANY($1) ORDER BY id LIMIT 1`, [districts])).rows[0].id;
    expect((await districtAdmin('POST', '/claim/bulk-delete', { ids: [inside, outside] })).status).toBe(404);
    expect((await ctx.db.pool.query(`SELECT count(*)::int AS n FROM claim WHERE id = ANY($1)`, [[inside, outside]])).rows[0].n).toBe(2);
    expect(await auditCount()).toBe(events);
  });
});
