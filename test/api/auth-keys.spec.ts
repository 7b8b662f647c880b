import { describe, expect, it } from '@jest/globals';
import { client, DEMO, serverForTests, signIn } from '../support/server.js';

/** API keys for scripts (issue 20): own service user, role or narrower scopes, shown once, hashed, revocable. */
const ctx = serverForTests();
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
const withKey = (key: string) => client(`${ctx.app.url}/api`, { authorization: `Bearer ${key}` });
const REASON = { 'x-change-reason': 'nightly sync' };

describe('API keys', () => {
  it('creates a key shown once, stored hashed, acting as its own service user within its scopes', async () => {
    const created = await ctx.api('POST', '/auth/keys', { name: 'nightly export', expires_at: inDays(30), scopes: ['student.list', 'student.show', 'student.edit'] });
    expect(created.status).toBe(201);
    const { key, id, service_user_id } = created.body;
    expect(key).toMatch(/^kcsos_\d+_[\w-]{43}$/);
    expect(created.body).toMatchObject({ name: 'nightly export', role: 'Admin', scopes: ['student.edit', 'student.list', 'student.show'] });
    // Only a hash is kept, and the audit rows hold none of it.
    // The random part is base64url, which may itself hold '_': take all after the id.
    const secret = /^kcsos_\d+_(.+)$/.exec(key)![1];
    expect(secret).toHaveLength(43);
    const stored = (await ctx.db.pool.query(`SELECT row_to_json(k)::text AS row FROM api_key k WHERE id = $1`, [id])).rows[0].row;
    expect(stored).not.toContain(secret);
    const logged = (await ctx.db.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE table_name = 'api_key' AND (changed_data ? 'secret_hash' OR coalesce(changed_data::text, '') LIKE '%' || $1 || '%')`, [secret])).rows[0].n;
    expect(logged).toBe(0);
    // The listing never shows the key.
    const listed = await ctx.api('GET', '/auth/keys');
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(listed.body.find((k: { id: number }) => k.id === id)).toMatchObject({ name: 'nightly export', service_user_id });

    const script = withKey(key);
    const me = await script('GET', '/auth/me');
    expect(me.body.user).toMatchObject({ id: service_user_id, name: 'API key nightly export', role: 'Admin' });
    expect(me.body.permissions).toEqual(['student.edit', 'student.list', 'student.show']);
    expect((await script('GET', '/student?range=[0,4]')).status).toBe(200);
    expect((await script('GET', '/claim')).status).toBe(403);
    expect((await script('DELETE', '/student/3')).status).toBe(403);
    const student = (await script('GET', '/student/3')).body;
    expect((await script('PUT', '/student/3', { ...student, comments: 'synced by script' }, REASON)).status).toBe(200);
    // Audited under the service user, shown by its name in the audit trail.
    const { rows } = await ctx.db.pool.query(`SELECT user_id, reason FROM audit_log WHERE table_name = 'student' AND record_pk->>'id' = '3' ORDER BY id DESC LIMIT 1`);
    expect(rows[0]).toEqual({ user_id: service_user_id, reason: 'nightly sync' });
    const trail = await ctx.api('GET', `/student/3/history`);
    expect(JSON.stringify(trail.body[0])).toContain('nightly export');
  });

  it('is not accepted on the sign-in, password, second-factor, session and key routes', async () => {
    const { key } = (await ctx.api('POST', '/auth/keys', { name: 'limited', expires_at: inDays(1) })).body;
    const script = withKey(key);
    const adminId = (await ctx.db.pool.query(`SELECT id FROM app_user WHERE email = $1`, [DEMO.admin])).rows[0].id;
    for (const [method, path, body] of [
      ['POST', '/auth/keys', { name: 'another', expires_at: inDays(1) }],
      ['GET', '/auth/keys', undefined],
      ['DELETE', '/auth/keys/1', undefined],
      ['POST', '/auth/password', { current: 'x', password: 'a-new-long-password' }],
      ['POST', `/app_user/${adminId}/password`, { password: 'a-new-long-password' }],
      ['POST', `/app_user/${adminId}/mfa/reset`, { reason: 'x' }],
      ['POST', '/auth/mfa/setup', {}],
      ['POST', '/auth/logout', undefined],
      ['POST', '/auth/keepalive', undefined],
    ] as const) {
      const res = await script(method, path, body);
      expect([path, res.status]).toEqual([path, 403]);
    }
    // Nor is a key a password.
    const login = await client(`${ctx.app.url}/api`)('POST', '/auth/login', { email: DEMO.admin, password: key });
    expect(login.status).toBe(401);
  });

  it('holds its own role when no scopes are given, never more than its creator\'s', async () => {
    const support = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'support'));
    const made = await support('POST', '/auth/keys', { name: 'help desk', expires_at: inDays(7) });
    expect(made.status).toBe(201);
    const script = withKey(made.body.key);
    expect((await script('GET', '/student?range=[0,0]')).status).toBe(200);
    expect((await script('DELETE', '/student/5')).status).toBe(403);
    expect((await support('POST', '/auth/keys', { name: 'x', expires_at: inDays(7), role: 'Admin' })).status).toBe(403);
    const beyond = await support('POST', '/auth/keys', { name: 'x', expires_at: inDays(7), scopes: ['student.delete'] });
    expect([beyond.status, beyond.body.errors?.scopes]).toEqual([400, 'not held by the Support role: student.delete']);
  });

  it('keeps a scoped creator\'s row scope: a district admin\'s key cannot be a practitioner, whose students are of any district', async () => {
    const districtAdmin = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'districtAdmin'));
    const wider = await districtAdmin('POST', '/auth/keys', { name: 'as practitioner', expires_at: inDays(7), role: 'Practitioner' });
    expect([wider.status, wider.body.code]).toEqual([403, 'FORBIDDEN']);
    expect(wider.body.message).toMatch(/cannot reach more than its creator/);
    // Its own role, narrowed by scopes, is the way to a smaller key: still within the districts.
    const own = await districtAdmin('POST', '/auth/keys', { name: 'students only', expires_at: inDays(7), scopes: ['student.list', 'student.create'] });
    expect(own.status).toBe(201);
    const outside = await withKey(own.body.key)('POST', '/student', { ssid: '9100000991', first_name: 'Key', last_name: 'Outside', birthdate: '2015-01-01', district: 'Arvin Union School District' });
    expect(outside.status).toBe(403);
  });

  it('refuses bad requests with the reason on the field', async () => {
    const bad = async (body: unknown) => (await ctx.api('POST', '/auth/keys', body)).body.errors;
    expect(await bad({ expires_at: inDays(1) })).toMatchObject({ name: expect.any(String) });
    expect(await bad({ name: 'n' })).toMatchObject({ expires_at: expect.stringMatching(/required/) });
    expect(await bad({ name: 'n', expires_at: '2020-01-01' })).toMatchObject({ expires_at: 'must be in the future' });
    expect(await bad({ name: 'n', expires_at: inDays(400) })).toMatchObject({ expires_at: expect.stringMatching(/within/) });
    expect(await bad({ name: 'n', expires_at: inDays(1), scopes: ['DROP TABLE'] })).toMatchObject({ scopes: expect.any(String) });
    expect(await bad({ name: 'n', expires_at: inDays(1), role: 'Root' })).toMatchObject({ role: expect.any(String) });
  });

  it('stops working when revoked, expired, or its creator is deactivated; a wrong secret is a 401', async () => {
    const make = async (name: string) => (await ctx.api('POST', '/auth/keys', { name, expires_at: inDays(2) })).body;
    const revoked = await make('to revoke');
    expect((await withKey(revoked.key)('GET', '/student?range=[0,0]')).status).toBe(200);
    expect((await ctx.api('DELETE', `/auth/keys/${revoked.id}`)).status).toBe(204);
    expect((await withKey(revoked.key)('GET', '/student?range=[0,0]')).status).toBe(401);
    expect((await ctx.db.pool.query(`SELECT status FROM app_user WHERE id = $1`, [revoked.service_user_id])).rows[0].status).toBe('Inactive');
    // Its use (at most once a minute) and its revocation are in the audit trail.
    const events = (await ctx.db.pool.query(`SELECT reason, user_id FROM audit_log WHERE table_name = 'api_key' AND action = 'UPDATE' AND record_pk->>'id' = $1 ORDER BY id`, [String(revoked.id)])).rows;
    const adminId = (await ctx.db.pool.query(`SELECT id FROM app_user WHERE email = $1`, [DEMO.admin])).rows[0].id;
    expect(events).toEqual([{ reason: 'API key used', user_id: revoked.service_user_id }, { reason: 'API key "to revoke" revoked', user_id: adminId }]);

    const expired = await make('to expire');
    await ctx.db.pool.query(`UPDATE api_key SET expires_at = now() - interval '1 second' WHERE id = $1`, [expired.id]);
    expect((await withKey(expired.key)('GET', '/student?range=[0,0]')).status).toBe(401);

    const good = await make('good');
    const tampered = good.key.slice(0, -1) + (good.key.endsWith('A') ? 'B' : 'A');
    expect((await withKey(tampered)('GET', '/student?range=[0,0]')).status).toBe(401);
    expect((await withKey('kcsos_1_short')('GET', '/student?range=[0,0]')).status).toBe(401);

    // Someone else's key is not theirs to revoke (404), but permission.manage may.
    const supervisor = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'supervisor'));
    expect((await supervisor('DELETE', `/auth/keys/${good.id}`)).status).toBe(404);
    const own = (await supervisor('POST', '/auth/keys', { name: 'supervisor script', expires_at: inDays(2) })).body;
    expect((await withKey(own.key)('GET', '/student?range=[0,0]')).status).toBe(200);
    const supervisorId = (await ctx.db.pool.query(`SELECT id FROM app_user WHERE email = $1`, [DEMO.supervisor])).rows[0].id;
    await ctx.db.pool.query(`UPDATE app_user SET status = 'Suspended' WHERE id = $1`, [supervisorId]);
    expect((await withKey(own.key)('GET', '/student?range=[0,0]')).status).toBe(401);
    await ctx.db.pool.query(`UPDATE app_user SET status = 'Active' WHERE id = $1`, [supervisorId]);
  });
});
