import { describe, expect, it } from '@jest/globals';
import { client, DEMO, serverForTests, signIn } from '../support/server.js';

/**
 * Deactivation is revocation (issue 14): a user set Inactive or Suspended, deleted, or given another
 * role loses every session, whichever way the change is written, and a token issued before stays dead
 * after the user is set Active again.
 */
const ctx = serverForTests();
const REASON = { 'x-change-reason': 'access review' };

const userId = async (email: string) => (await ctx.db.pool.query(`SELECT id FROM app_user WHERE email = $1`, [email])).rows[0].id as number;
const works = async (auth: Record<string, string>) => (await fetch(`${ctx.app.url}/api/auth/me`, { headers: auth })).status;
/** Loads the record and saves it whole with `changes` (the console's way, lock version included). */
const edit = async (id: number, changes: Record<string, unknown>) => {
  const loaded = (await ctx.api('GET', `/app_user/${id}`)).body;
  return ctx.api('PUT', `/app_user/${id}`, { ...loaded, ...changes }, REASON);
};
/** A fresh user of the given role with a password, so each test has an account of its own. */
let n = 0;
async function newUser(role = 'Supervisor'): Promise<{ id: number; email: string; password: string }> {
  const email = `revocation${++n}@demo.kcsos.invalid`;
  const created = await ctx.api('POST', '/app_user', { first_name: 'Rev', last_name: `Ocation ${n}`, email, role, status: 'Active' }, REASON);
  expect(created.status).toBe(201);
  const password = 'a-long-enough-passphrase';
  expect((await ctx.api('POST', `/app_user/${created.body.id}/password`, { password })).status).toBe(204);
  return { id: created.body.id, email, password };
}

describe('deactivation ends sessions', () => {
  it('API edit: Inactive ends the session, and it stays dead once the user is Active again', async () => {
    const u = await newUser();
    const token = await signIn(ctx.app.url, u.email, u.password);
    expect(await works(token)).toBe(200);
    expect((await edit(u.id, { status: 'Inactive' })).status).toBe(200);
    expect(await works(token)).toBe(401);
    expect((await edit(u.id, { status: 'Active' })).status).toBe(200);
    expect(await works(token)).toBe(401);
    // Reactivation needs a fresh sign-in, which works.
    expect(await works(await signIn(ctx.app.url, u.email, u.password))).toBe(200);
  });

  it('API edit: Suspended ends every session of the user, and only theirs', async () => {
    const u = await newUser();
    const a = await signIn(ctx.app.url, u.email, u.password);
    const b = await signIn(ctx.app.url, u.email, u.password);
    const other = await signIn(ctx.app.url, 'supervisor');
    expect((await edit(u.id, { status: 'Suspended' })).status).toBe(200);
    await edit(u.id, { status: 'Active' });
    expect([await works(a), await works(b), await works(other)]).toEqual([401, 401, 200]);
  });

  it('API edit: a changed role ends the sessions signed in under the old one', async () => {
    const u = await newUser('Supervisor');
    const token = await signIn(ctx.app.url, u.email, u.password);
    expect((await edit(u.id, { role: 'Practitioner' })).status).toBe(200);
    expect(await works(token)).toBe(401);
    const fresh = await signIn(ctx.app.url, u.email, u.password);
    expect((await (await fetch(`${ctx.app.url}/api/auth/me`, { headers: fresh })).json()).user.role).toBe('Practitioner');
    // An edit that leaves status and role alone ends nothing.
    expect((await edit(u.id, { phone: '555-0100' })).status).toBe(200);
    expect(await works(fresh)).toBe(200);
  });

  it('bulk edit: every selected user loses their sessions', async () => {
    const [u, v] = [await newUser(), await newUser()];
    const [tu, tv] = [await signIn(ctx.app.url, u.email, u.password), await signIn(ctx.app.url, v.email, v.password)];
    const res = await ctx.api('POST', '/app_user/bulk-update', { ids: [u.id, v.id], data: { status: 'Inactive' } }, REASON);
    expect(res.status).toBe(200);
    await ctx.api('POST', '/app_user/bulk-update', { ids: [u.id, v.id], data: { status: 'Active' } }, REASON);
    expect([await works(tu), await works(tv)]).toEqual([401, 401]);
  });

  it('CSV import (upsert by id): a row setting Suspended ends the session', async () => {
    const u = await newUser();
    const token = await signIn(ctx.app.url, u.email, u.password);
    const res = await ctx.api('POST', '/app_user/import', { csv: `id,status\n${u.id},Suspended\n`, mode: 'upsert', key: ['id'] }, REASON);
    expect(res.status).toBe(200);
    expect((await ctx.db.pool.query(`SELECT status FROM app_user WHERE id = $1`, [u.id])).rows[0].status).toBe('Suspended');
    await edit(u.id, { status: 'Active' });
    expect(await works(token)).toBe(401);
  });

  it('revert: undoing a reactivation ends the session signed in since', async () => {
    const u = await newUser();
    await edit(u.id, { status: 'Inactive' });
    await edit(u.id, { status: 'Active' });
    const token = await signIn(ctx.app.url, u.email, u.password);
    // The reactivation is the newest event that set status (a sign-in is no record change).
    const events = (await ctx.api('GET', `/app_user/${u.id}/history`)).body as { id: number; changes: { field: string }[] }[];
    const reactivation = events.find((e) => e.changes.some((c) => c.field === 'status'))!;
    expect((await ctx.api('POST', `/audit_log/${reactivation.id}/revert`, undefined, REASON)).status).toBe(200);
    expect((await ctx.db.pool.query(`SELECT status FROM app_user WHERE id = $1`, [u.id])).rows[0].status).toBe('Inactive');
    expect(await works(token)).toBe(401);
    await edit(u.id, { status: 'Active' });
    expect(await works(token)).toBe(401);
  });

  it('psql: a status or role written straight to the table ends the sessions too', async () => {
    const u = await newUser();
    const token = await signIn(ctx.app.url, u.email, u.password);
    await ctx.db.pool.query(`UPDATE app_user SET status = 'Inactive' WHERE id = $1`, [u.id]);
    await ctx.db.pool.query(`UPDATE app_user SET status = 'Active' WHERE id = $1`, [u.id]);
    expect(await works(token)).toBe(401);
    const again = await signIn(ctx.app.url, u.email, u.password);
    await ctx.db.pool.query(`UPDATE app_user SET role = 'Support' WHERE id = $1`, [u.id]);
    expect(await works(again)).toBe(401);
    const { rows } = await ctx.db.pool.query(`SELECT count(*)::int AS open FROM auth_session WHERE user_id = $1 AND ended_at IS NULL`, [u.id]);
    expect(rows[0].open).toBe(0);
  });

  it('delete: the user\'s sessions go, and undoing the delete does not bring them back', async () => {
    const u = await newUser();
    const token = await signIn(ctx.app.url, u.email, u.password);
    expect((await ctx.api('DELETE', `/app_user/${u.id}`, undefined, REASON)).status).toBe(200);
    expect(await works(token)).toBe(401);
    const [deletion] = (await ctx.api('GET', `/app_user/${u.id}/history`)).body as { id: number; action: string }[];
    expect(deletion.action).toBe('DELETE');
    expect((await ctx.api('POST', `/audit_log/${deletion.id}/revert`, undefined, REASON)).status).toBe(200);
    expect((await ctx.db.pool.query(`SELECT status FROM app_user WHERE id = $1`, [u.id])).rows[0].status).toBe('Active');
    expect(await works(token)).toBe(401);
  });

  it('the demo admin deactivating a demo user (the console\'s path) ends that user\'s session', async () => {
    const admin = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'admin'));
    const id = await userId(DEMO.districtAdmin);
    const token = await signIn(ctx.app.url, 'districtAdmin');
    const loaded = (await admin('GET', `/app_user/${id}`)).body;
    expect((await admin('PUT', `/app_user/${id}`, { ...loaded, status: 'Suspended' })).status).toBe(200);
    expect((await admin('PUT', `/app_user/${id}`, { ...(await admin('GET', `/app_user/${id}`)).body, status: 'Active' })).status).toBe(200);
    expect(await works(token)).toBe(401);
  });
});
