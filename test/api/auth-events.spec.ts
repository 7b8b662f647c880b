import { describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import { verifyChain } from '../../server/audit/chain-verify.js';
import { AuditSealer } from '../../server/audit/sealer.js';
import { client, DEMO, demoPassword, q, serverForTests, signIn } from '../support/server.js';

/**
 * Sign-ins are authentication events (auth_event), not record changes: the audit trail stays about
 * records, every attempt is still recorded, append-only and chained.
 */
const ctx = serverForTests({ env: { TRUST_PROXY: '127.0.0.1' } });

let address = 10;
const from = () => `198.51.100.${address++}`;
const login = (body: Record<string, unknown>, ip: string) =>
  fetch(`${ctx.app.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: await r.json() }));
const userId = async (email: string) => Number((await ctx.db.pool.query(`SELECT id FROM app_user WHERE email = $1`, [email])).rows[0].id);
const events = async (where: string, values: unknown[]) => (await ctx.db.pool.query(`SELECT * FROM auth_event WHERE ${where} ORDER BY id`, values)).rows;
const userAudits = async (id: number) => Number((await ctx.db.pool.query(`SELECT count(*) FROM audit_log WHERE table_name = 'app_user' AND record_pk = $1::jsonb`, [JSON.stringify({ id })])).rows[0].count);

describe('authentication events', () => {
  it('a sign-in is an event of its own, no longer an "UPDATE User" record change', async () => {
    const id = await userId(DEMO.support);
    const audits = await userAudits(id);
    const total = Number((await ctx.db.pool.query(`SELECT count(*) FROM audit_log`)).rows[0].count);
    const ip = from();
    const res = await login({ email: DEMO.support, password: demoPassword(DEMO.support) }, ip);
    expect(res.status).toBe(200);
    expect(await userAudits(id)).toBe(audits);
    expect(Number((await ctx.db.pool.query(`SELECT count(*) FROM audit_log`)).rows[0].count)).toBe(total);
    const [event] = await events('client_address = $1', [ip]);
    expect(event).toMatchObject({ event: 'sign-in', outcome: 'success', method: 'password', user_id: id, email: DEMO.support, second_factor: null, detail: null });
    // last_login still follows, and a real change of the user is still audited with its image.
    const { rows } = await ctx.db.pool.query(`SELECT last_login FROM app_user WHERE id = $1`, [id]);
    expect(Date.now() - Date.parse(rows[0].last_login)).toBeLessThan(60_000);
    expect((await ctx.api('PUT', `/app_user/${id}`, { department: 'Events test' })).status).toBe(200);
    expect(await userAudits(id)).toBe(audits + 1);
  });

  it('records failures: a wrong password, an unknown account, too many attempts', async () => {
    const ip = from();
    const id = await userId(DEMO.supervisor);
    expect((await login({ email: DEMO.supervisor, password: 'wrong-password-1' }, ip)).status).toBe(401);
    expect((await login({ email: 'nobody@demo.kcsos.invalid', password: 'whatever-pass' }, ip)).status).toBe(401);
    for (let i = 0; i < 5; i++) await login({ email: DEMO.supervisor, password: `wrong-password-${i}` }, ip);
    const rows = await events('client_address = $1', [ip]);
    expect(rows.every((r) => r.event === 'sign-in' && r.outcome === 'failure' && r.method === 'password')).toBe(true);
    expect(rows[0]).toMatchObject({ user_id: id, email: DEMO.supervisor, detail: 'wrong password' });
    expect(rows[1]).toMatchObject({ user_id: null, email: 'nobody@demo.kcsos.invalid', detail: 'unknown account' });
    expect(rows.at(-1)).toMatchObject({ user_id: null, detail: 'too many attempts' });
    expect(rows).toHaveLength(7);
  });

  it('records the second factor: asked for, wrong, then accepted', async () => {
    const ip = from();
    const me = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'districtAdmin'));
    const setup = await me('POST', '/auth/mfa/setup');
    expect((await me('POST', '/auth/mfa/confirm', { code: await generate({ secret: setup.body.secret }) })).status).toBe(200);
    const password = demoPassword(DEMO.districtAdmin);
    expect((await login({ email: DEMO.districtAdmin, password }, ip)).body.code).toBe('MFA_REQUIRED');
    expect((await login({ email: DEMO.districtAdmin, password, code: '000000' }, ip)).body.code).toBe('MFA_INVALID');
    const next = await generate({ secret: setup.body.secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    expect((await login({ email: DEMO.districtAdmin, password, code: next }, ip)).status).toBe(200);
    const rows = await events('client_address = $1', [ip]);
    expect(rows.map((r) => [r.outcome, r.second_factor, r.detail])).toEqual([
      ['failure', null, 'second factor asked for'],
      ['failure', 'authenticator code', 'second factor wrong or used'],
      ['success', 'authenticator code', null],
    ]);
    // Accepting the code is part of the sign-in: no "UPDATE user_mfa" record change for it.
    const mfaAudits = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE table_name = 'user_mfa' AND reason = 'sign-in'`);
    expect(mfaAudits.rows[0].n).toBe(0);
  });

  it('records a sign-out', async () => {
    const ip = from();
    const res = await login({ email: DEMO.practitioner, password: demoPassword(DEMO.practitioner) }, ip);
    const out = await fetch(`${ctx.app.url}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${res.body.token}`, 'x-forwarded-for': ip } });
    expect(out.status).toBe(204);
    const rows = await events('client_address = $1', [ip]);
    expect(rows.map((r) => [r.event, r.outcome, r.user_id])).toEqual([
      ['sign-in', 'success', await userId(DEMO.practitioner)],
      ['sign-out', 'success', await userId(DEMO.practitioner)],
    ]);
  });

  it('is a list of its own for who browses the audit trail, filtered by user, outcome, method and day', async () => {
    const id = await userId(DEMO.supervisor);
    // A day filter means a day in the database's time zone, which need not be UTC: take today from it.
    const today = (await ctx.db.pool.query(`SELECT current_date::text AS d`)).rows[0].d as string;
    const res = await ctx.api('GET', `/auth_event?filter=${q({ user_id: id, outcome: 'failure', method: 'password', occurred_at: today })}&range=[0,99]`);
    expect(res.status).toBe(200);
    expect(res.body.length).toBeGreaterThanOrEqual(1);
    expect(res.body.every((r: { user_id: number; outcome: string }) => r.user_id === id && r.outcome === 'failure')).toBe(true);
    const meta = (await ctx.api('GET', '/meta')).body.resources.find((r: { name: string }) => r.name === 'auth_event');
    expect(meta).toMatchObject({ label: 'Sign-ins', area: 'Audit', readOnly: true });
    const practitioner = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'practitioner'));
    expect((await practitioner('GET', '/auth_event')).status).toBe(403);
    expect((await ctx.api('POST', '/auth_event', { event: 'sign-in', outcome: 'success' })).status).toBe(405);
  });

  it('cannot be altered: append-only, and chained so that a forged row is found', async () => {
    await expect(ctx.db.pool.query(`UPDATE auth_event SET outcome = 'success' WHERE outcome = 'failure'`)).rejects.toThrow(/append-only/);
    await expect(ctx.db.pool.query(`DELETE FROM auth_event`)).rejects.toThrow(/append-only/);
    const sealer = new AuditSealer(ctx.db.pool, { everyMs: 1000, batch: 5000, warn: () => undefined });
    await sealer.catchUp();
    expect((await verifyChain(ctx.db.pool, 'auth_event', null)).problems).toEqual([]);
    const [failure] = await events(`outcome = 'failure'`, []);
    const c = await ctx.db.pool.connect();
    try {
      await c.query('BEGIN');
      await c.query(`SET LOCAL session_replication_role = replica`);
      await c.query(`UPDATE auth_event SET outcome = 'success', detail = NULL WHERE id = $1`, [failure.id]);
      await c.query('COMMIT');
    } finally {
      c.release();
    }
    const report = await verifyChain(ctx.db.pool, 'auth_event', null);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'changed', eventId: String(failure.id) })]);
  });
});
