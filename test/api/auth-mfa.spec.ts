import { describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import { client, DEMO, demoPassword, serverForTests } from '../support/server.js';

/**
 * TOTP second factor (issue 20) under the default policy (the other test files run their servers
 * with MFA_REQUIRED_ROLES=none): roles holding permission.manage or any <resource>.sensitive must
 * enrol at their next sign-in, and reach nothing else until they have.
 */
const ctx = serverForTests({ env: { MFA_REQUIRED_ROLES: 'default', TRUST_PROXY: '127.0.0.1' } });

let address = 10;
/** The admin's secret, from their enrolment in the first test. */
let adminSecret = '';
/** Each test signs in from an address of its own, so the strict per-address limit stays its own. */
const from = () => `198.51.100.${address++}`;
const login = (body: Record<string, unknown>, ip: string) =>
  fetch(`${ctx.app.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: await r.json() }));
const api = (token: string) => client(`${ctx.app.url}/api`, { authorization: `Bearer ${token}` });
/** The code of the current 30-second step, or of the next one (a code is accepted once). */
const code = (secret: string, stepsAhead = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepsAhead * 30 });

/** Signs in (enrolment-only), sets up and confirms a second factor: the secret and recovery codes. */
async function enrol(email: string, ip: string): Promise<{ secret: string; recovery: string[]; token: string; used: string }> {
  const first = await login({ email, password: demoPassword(email) }, ip);
  expect(first.status).toBe(200);
  const me = api(first.body.token);
  const setup = await me('POST', '/auth/mfa/setup');
  expect(setup.status).toBe(200);
  const used = await code(setup.body.secret);
  const confirmed = await me('POST', '/auth/mfa/confirm', { code: used });
  expect(confirmed.status).toBe(200);
  return { secret: setup.body.secret, recovery: confirmed.body.recovery_codes, token: first.body.token, used };
}

describe('enrolment at the next sign-in', () => {
  it('leads an admin to enrol, with no other route open until done', async () => {
    const ip = from();
    const first = await login({ email: DEMO.admin, password: demoPassword(DEMO.admin) }, ip);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ mfa_enrolment_required: true, permissions: [] });
    const me = api(first.body.token);
    for (const [method, path] of [['GET', '/student'], ['GET', '/meta'], ['GET', '/audit_log'], ['POST', '/auth/password'], ['POST', '/student'], ['POST', '/auth/keys'], ['GET', '/auth/keys']] as const) {
      const res = await me(method, path, method === 'POST' ? {} : undefined);
      expect([path, res.status, res.body.code]).toEqual([path, 403, 'MFA_ENROLMENT_REQUIRED']);
    }
    expect((await me('GET', '/auth/me')).body.mfa_enrolment_required).toBe(true);

    const setup = await me('POST', '/auth/mfa/setup');
    expect(setup.status).toBe(200);
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    adminSecret = setup.body.secret;
    expect(setup.body.otpauth_url).toMatch(/^otpauth:\/\/totp\/KCSOS%20admin:admin%40demo\.kcsos\.invalid\?.*secret=/);
    expect(setup.body.qr_code).toMatch(/^data:image\/png;base64,/);
    // Not in force yet: still enrolment-only, and the wrong code does not confirm.
    expect((await me('GET', '/student')).status).toBe(403);
    const wrong = await me('POST', '/auth/mfa/confirm', { code: '000000' === (await code(setup.body.secret)) ? '111111' : '000000' });
    expect([wrong.status, wrong.body.errors]).toEqual([400, { code: 'is wrong or was already used' }]);

    const confirmed = await me('POST', '/auth/mfa/confirm', { code: await code(setup.body.secret) });
    expect(confirmed.status).toBe(200);
    const codes = confirmed.body.recovery_codes as string[];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    // The same session is now open.
    expect((await me('GET', '/student')).status).toBe(200);
    expect((await me('GET', '/auth/me')).body.mfa_enrolment_required).toBe(false);
    // Stored hashed; the secret never reaches the audit log.
    const id = first.body.user.id;
    const stored = (await ctx.db.pool.query(`SELECT code_hash FROM mfa_recovery_code WHERE user_id = $1`, [id])).rows.map((r) => r.code_hash);
    expect(stored).toHaveLength(10);
    for (const c of codes) expect(stored.join(' ')).not.toContain(c.replaceAll('-', ''));
    const audit = (await ctx.db.pool.query(`SELECT action, reason, coalesce(changed_data::text, '') || coalesce(old_data::text, '') AS data FROM audit_log WHERE table_name = 'user_mfa' ORDER BY id`)).rows;
    expect(audit.map((a) => [a.action, a.reason])).toEqual([['INSERT', 'second factor setup'], ['UPDATE', 'second factor enabled']]);
    expect(audit.some((a) => a.data.includes(setup.body.secret))).toBe(false);
    // Encrypted at rest, bound to its user: the row holds no plain secret, and copied onto another
    // user it does not verify their codes.
    const row = (await ctx.db.pool.query(`SELECT secret FROM user_mfa WHERE user_id = $1`, [id])).rows[0].secret as string;
    expect(row).toMatch(/^v1\./);
    expect(row).not.toContain(setup.body.secret);
    const victim = (await ctx.db.pool.query(`SELECT id FROM app_user WHERE email = 'practitioner2@demo.kcsos.invalid'`)).rows[0].id;
    await ctx.db.pool.query(`INSERT INTO user_mfa (user_id, secret, enabled_at) VALUES ($1, $2, now())`, [victim, row]);
    const copied = await login({ email: 'practitioner2@demo.kcsos.invalid', password: demoPassword('practitioner2@demo.kcsos.invalid'), code: await code(setup.body.secret, 1) }, from());
    expect(copied.body.code).toBe('MFA_INVALID');
    await ctx.db.pool.query(`DELETE FROM user_mfa WHERE user_id = $1`, [victim]);
  });

  it('asks for the code once enabled: MFA_REQUIRED, MFA_INVALID, a code is good once, recovery codes once', async () => {
    const email = DEMO.supervisor;
    const { secret, recovery, used } = await enrol(email, from());
    const ip = from();
    const password = demoPassword(email);
    const missing = await login({ email, password }, ip);
    expect([missing.status, missing.body.code]).toEqual([401, 'MFA_REQUIRED']);
    const wrong = await login({ email, password, code: '12345x' }, ip);
    expect([wrong.status, wrong.body.code]).toEqual([401, 'MFA_INVALID']);
    // The code that confirmed the setup was used: a replay is refused. (That very code: a code made
    // now would belong to the next 30-second step if one began since, and be rightly accepted.)
    const replay = await login({ email, password, code: used }, ip);
    expect([replay.status, replay.body.code]).toEqual([401, 'MFA_INVALID']);
    const next = await code(secret, 1);
    const ok = await login({ email, password, code: next }, ip);
    expect(ok.status).toBe(200);
    expect(ok.body.mfa_enrolment_required).toBe(false);
    expect((await api(ok.body.token)('GET', '/student')).status).toBe(200);
    expect((await login({ email, password, code: next }, from())).body.code).toBe('MFA_INVALID');
    // A recovery code signs in once.
    expect((await login({ email, password, code: recovery[0] }, from())).status).toBe(200);
    expect((await login({ email, password, code: recovery[0] }, from())).body.code).toBe('MFA_INVALID');
    // A wrong password with a good code is still the password's answer.
    expect((await login({ email, password: 'not-the-password', code: recovery[1] }, from())).body.code).toBe('UNAUTHORIZED');
  });

  it('counts MFA_REQUIRED and MFA_INVALID against the sign-in limits', async () => {
    const email = DEMO.districtAdmin;
    const { recovery } = await enrol(email, from());
    const ip = from();
    const password = demoPassword(email);
    for (let i = 0; i < 5; i++) expect((await login({ email, password, ...(i % 2 ? { code: '000001' } : {}) }, ip)).status).toBe(401);
    const blocked = await login({ email, password, code: recovery[0] }, ip);
    expect(blocked.status).toBe(429);
    // Refused before the code was looked at: the recovery code is still good elsewhere.
    expect((await login({ email, password, code: recovery[0] }, from())).status).toBe(200);
  });
});

describe('policy', () => {
  it('requires no second factor of a role without permission.manage or sensitive permissions, until it gains one', async () => {
    const email = 'practitioner9@demo.kcsos.invalid';
    await ctx.db.pool.query(`UPDATE permission_item SET practitioner = false WHERE name LIKE '%.sensitive'`);
    const plain = await login({ email, password: demoPassword(email) }, from());
    expect(plain.status).toBe(200);
    expect(plain.body.mfa_enrolment_required).toBe(false);
    expect((await api(plain.body.token)('GET', '/student')).status).toBe(200);
    await ctx.db.pool.query(`UPDATE permission_item SET practitioner = true WHERE name = 'student.sensitive'`);
    const now = await login({ email, password: demoPassword(email) }, from());
    expect(now.body.mfa_enrolment_required).toBe(true);
    expect((await api(now.body.token)('GET', '/student')).status).toBe(403);
  });

  it('lets a user turn off a second factor their role does not require, with a code', async () => {
    const email = 'practitioner10@demo.kcsos.invalid';
    await ctx.db.pool.query(`UPDATE permission_item SET practitioner = false WHERE name LIKE '%.sensitive'`);
    const first = await login({ email, password: demoPassword(email) }, from());
    const me = api(first.body.token);
    const setup = await me('POST', '/auth/mfa/setup');
    const { recovery_codes } = (await me('POST', '/auth/mfa/confirm', { code: await code(setup.body.secret) })).body;
    expect((await me('POST', '/auth/mfa/disable', { code: 'abcd-efgh-jkmn-pqrs' })).status).toBe(400);
    expect((await me('POST', '/auth/mfa/disable', { code: recovery_codes[3] })).status).toBe(204);
    expect((await login({ email, password: demoPassword(email) }, from())).status).toBe(200);
    expect((await ctx.db.pool.query(`SELECT count(*)::int AS n FROM mfa_recovery_code r JOIN app_user u ON u.id = r.user_id WHERE u.email = $1`, [email])).rows[0].n).toBe(0);
  });

  it('refuses to turn off a second factor the role requires', async () => {
    const email = 'practitioner11@demo.kcsos.invalid';
    await ctx.db.pool.query(`UPDATE permission_item SET practitioner = true WHERE name = 'student.sensitive'`);
    const { secret, token } = await enrol(email, from());
    const res = await api(token)('POST', '/auth/mfa/disable', { code: await code(secret, 1) });
    expect(res.status).toBe(409);
  });
});


describe('an administrator resets a second factor', () => {
  it('needs permission.manage and a reason, is audited, ends the user\'s sessions, and the user enrols again', async () => {
    const email = 'practitioner12@demo.kcsos.invalid';
    await ctx.db.pool.query(`UPDATE permission_item SET practitioner = true WHERE name = 'student.sensitive'`);
    const { secret, token } = await enrol(email, from());
    const userId = (await ctx.db.pool.query(`SELECT id FROM app_user WHERE email = $1`, [email])).rows[0].id;
    // Support lacks permission.manage: refused.
    const support = await enrol(DEMO.support, from());
    expect((await api(support.token)('POST', `/app_user/${userId}/mfa/reset`, { reason: 'lost phone' })).status).toBe(403);
    // The admin enrolled in the first test.
    const signedIn = await login({ email: DEMO.admin, password: demoPassword(DEMO.admin), code: await code(adminSecret, 1) }, from());
    expect(signedIn.status).toBe(200);
    const admin = api(signedIn.body.token);
    expect((await admin('POST', `/app_user/${userId}/mfa/reset`, {})).status).toBe(400);
    expect((await admin('POST', `/app_user/999999/mfa/reset`, { reason: 'x' })).status).toBe(404);
    const reset = await admin('POST', `/app_user/${userId}/mfa/reset`, undefined, { 'x-change-reason': 'lost phone, ticket 4711' });
    expect(reset.status).toBe(204);
    expect((await api(token)('GET', '/auth/me')).status).toBe(401);
    const adminId = signedIn.body.user.id;
    const events = (await ctx.db.pool.query(
      `SELECT action, reason, user_id, coalesce(old_data::text, '') LIKE '%' || $2 || '%' AS leaks FROM audit_log
        WHERE table_name = 'user_mfa' AND action = 'DELETE' AND old_data->>'user_id' = $1`,
      [String(userId), secret],
    )).rows;
    expect(events).toEqual([{ action: 'DELETE', reason: 'lost phone, ticket 4711', user_id: adminId, leaks: false }]);
    // The next sign-in needs no code, and leads to enrolment again.
    const again = await login({ email, password: demoPassword(email) }, from());
    expect([again.status, again.body.mfa_enrolment_required]).toEqual([200, true]);
    // Not one's own this way (that is /auth/mfa/disable).
    expect((await admin('POST', `/app_user/${adminId}/mfa/reset`, { reason: 'mine' })).status).toBe(409);
  });
});
