import { describe, expect, it } from '@jest/globals';
import { client, serverForTests, signIn } from '../support/server.js';

/**
 * Writes made as the caller a session's last check found (server/http/presumed-read.ts): the
 * write's transaction carries this request's session check in its first statement (the one that
 * names the actor for the audit trigger), before any row is read or changed. What changed since
 * the previous request takes effect on this one, and a refused write changes nothing at all.
 */
const ctx = serverForTests();

const sessionOf = (auth: Record<string, string>) => JSON.parse(Buffer.from(auth.authorization.split('.')[1], 'base64url').toString()).sid as string;
const lastAuditId = async () => Number((await ctx.db.pool.query(`SELECT coalesce(max(id), 0) AS id FROM audit_log`)).rows[0].id);
const claimRow = async (id: number) => (await ctx.db.pool.query(`SELECT carelon_id, district, updated_at::text FROM claim WHERE id = $1`, [id])).rows[0];
const claimCount = async () => Number((await ctx.db.pool.query(`SELECT count(*) FROM claim`)).rows[0].count);
const EMAIL = 'district.admin@demo.kcsos.invalid';
const newClaim = () => ({ claim_number: `PRESUMED-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, status: 'Incomplete' });

async function districtAdmin() {
  const auth = await signIn(ctx.app.url, 'districtAdmin');
  const api = client(`${ctx.app.url}/api`, auth);
  const districts: string[] = (await ctx.db.pool.query(`SELECT districts FROM app_user WHERE email = $1`, [EMAIL])).rows[0].districts;
  const inside = Number((await ctx.db.pool.query(`SELECT id FROM claim WHERE district = ANY($1) ORDER BY id LIMIT 1`, [districts])).rows[0].id);
  const outside = (await ctx.db.pool.query(`SELECT id, district FROM claim WHERE NOT district = ANY($1) ORDER BY id LIMIT 1`, [districts])).rows[0];
  // The session's first check (its next requests are made as the caller it found).
  expect((await api('GET', `/claim/${inside}`)).status).toBe(200);
  return { auth, api, districts, inside, outside: { id: Number(outside.id), district: outside.district as string } };
}

/** A session whose first check is made (its next requests are made as the caller it found), and a claim to write. */
async function signedIn(role: 'admin') {
  const auth = await signIn(ctx.app.url, role);
  const api = client(`${ctx.app.url}/api`, auth);
  const inside = Number((await ctx.db.pool.query(`SELECT id FROM claim ORDER BY id DESC LIMIT 1`)).rows[0].id);
  expect((await api('GET', `/claim/${inside}`)).status).toBe(200);
  return { auth, api, inside };
}

describe('a write in a transaction that checks its session first', () => {
  it('writes as the ordinary path does: one audit row naming the user and the reason', async () => {
    const { api, inside } = await signedIn('admin');
    const before = await lastAuditId();
    const res = await api('PUT', `/claim/${inside}`, { carelon_id: 'PRESUMED-1' }, { 'x-change-reason': 'checked in the write' });
    expect(res.status).toBe(200);
    expect(res.body.carelon_id).toBe('PRESUMED-1');
    const user = (await ctx.db.pool.query(`SELECT id FROM app_user WHERE email = 'admin@demo.kcsos.invalid'`)).rows[0].id;
    const audit = (await ctx.db.pool.query(`SELECT table_name, action, user_id, reason FROM audit_log WHERE id > $1 ORDER BY id`, [before])).rows;
    expect(audit).toEqual([{ table_name: 'claim', action: 'UPDATE', user_id: user, reason: 'checked in the write' }]);
    // The bodies the refusals below send are written for a session still valid.
    const created = await api('POST', '/claim', newClaim());
    expect(created.status).toBe(201);
    expect((await api('DELETE', `/claim/${created.body.id}`)).status).toBe(200);
  });

  it.each([
    ['update', (id: number) => ['PUT', `/claim/${id}`, { carelon_id: 'ENDED' }] as const],
    ['create', () => ['POST', '/claim', newClaim()] as const],
    ['delete', (id: number) => ['DELETE', `/claim/${id}`, undefined] as const],
    // A body the engine refuses before its transaction opens: the session's 401 is still the answer.
    ['refused body', (id: number) => ['PUT', `/claim/${id}`, { no_such_field: 1 }] as const],
    // Refusals thrown before the write's first await (an unknown id, a body that is not JSON): the same.
    ['delete of an id that names no record', () => ['DELETE', '/claim/not-a-number', undefined] as const],
    ['create with a body that is not JSON', () => ['POST', '/claim', 'claim_number=X', { 'content-type': 'text/plain' }] as const],
  ])('refuses the next %s of a session ended since (401), and changes nothing', async (_write, request) => {
    const { auth, api, inside } = await signedIn('admin');
    await ctx.db.pool.query(`UPDATE auth_session SET ended_at = now() WHERE id = $1`, [sessionOf(auth)]);
    const [row, claims, audit] = [await claimRow(inside), await claimCount(), await lastAuditId()];
    const [method, path, body, headers] = request(inside) as readonly [string, string, unknown, Record<string, string>?];
    const refused = await api(method, path, body, headers);
    expect(refused.status).toBe(401);
    expect(JSON.stringify(refused.body)).not.toMatch(/claim_number|carelon/);
    expect(await claimRow(inside)).toEqual(row);
    expect(await claimCount()).toBe(claims);
    expect(await lastAuditId()).toBe(audit);
  });

  it('writes under the districts the user holds now, not those of the last request', async () => {
    const { api, districts, inside, outside } = await districtAdmin();
    await ctx.db.pool.query(`UPDATE app_user SET districts = $2 WHERE email = $1`, [EMAIL, [outside.district]]);
    try {
      const [row, audit] = [await claimRow(inside), await lastAuditId()];
      expect((await api('PUT', `/claim/${inside}`, { carelon_id: 'OLD-DISTRICT' })).status).toBe(404);
      expect(await claimRow(inside)).toEqual(row);
      expect(await lastAuditId()).toBe(audit);
      const moved = await api('PUT', `/claim/${outside.id}`, { carelon_id: 'NEW-DISTRICT' });
      expect(moved.status).toBe(200);
      expect((await claimRow(outside.id)).carelon_id).toBe('NEW-DISTRICT');
    } finally {
      await ctx.db.pool.query(`UPDATE app_user SET districts = $2 WHERE email = $1`, [EMAIL, districts]);
    }
  });

  it('refuses the next write once the role no longer holds the permission (403), and changes nothing', async () => {
    const { api, inside } = await districtAdmin();
    await ctx.db.pool.query(`UPDATE permission_item SET district_admin = false WHERE name = 'claim.edit'`);
    try {
      const [row, audit] = [await claimRow(inside), await lastAuditId()];
      expect((await api('PUT', `/claim/${inside}`, { carelon_id: 'NO-PERMISSION' })).status).toBe(403);
      expect(await claimRow(inside)).toEqual(row);
      expect(await lastAuditId()).toBe(audit);
    } finally {
      await ctx.db.pool.query(`UPDATE permission_item SET district_admin = true WHERE name = 'claim.edit'`);
    }
  });
});
