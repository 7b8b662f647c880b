import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import type { App } from '../../server/app.js';
import { passwordVerifications } from '../../server/auth/passwords.js';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { DEMO, TEST_JWT_SECRET, client, demoPassword, signIn, startServer } from '../support/server.js';

let db: TestDatabase;
let app: App;
let anon: ReturnType<typeof client>;

beforeAll(async () => {
  db = await testDatabase();
  app = await startServer(db, { LOGIN_LIMIT_PER_ACCOUNT: '5', LOGIN_LIMIT_PER_ADDRESS: '40' });
  anon = client(`${app.url}/api`);
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const login = (email: string, password: string) => anon('POST', '/auth/login', { email, password });
const key = new TextEncoder().encode(TEST_JWT_SECRET);
const userId = async (email: string) => (await db.pool.query(`SELECT id FROM app_user WHERE email = $1`, [email])).rows[0].id as number;

describe('sign-in', () => {
  it('returns an 8-hour HS256 token, and /auth/me tells who, role and permissions', async () => {
    const res = await login(DEMO.support, demoPassword(DEMO.support));
    expect(res.status).toBe(200);
    const [header, payload] = res.body.token.split('.').slice(0, 2).map((p: string) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header.alg).toBe('HS256');
    expect(payload.exp - payload.iat).toBe(8 * 3600);
    const me = await anon('GET', '/auth/me', undefined, { authorization: `Bearer ${res.body.token}` });
    expect(me.body.user).toMatchObject({ email: DEMO.support, role: 'Support' });
    expect(me.body.permissions).toEqual(expect.arrayContaining(['student.edit', 'audit.browse', 'audit.revert']));
    expect(me.body.permissions).not.toContain('student.delete');
    const { rows } = await db.pool.query(`SELECT last_login FROM app_user WHERE email = $1`, [DEMO.support]);
    expect(Date.now() - Date.parse(rows[0].last_login)).toBeLessThan(60_000);
  });

  it('refuses every route without a valid token (401)', async () => {
    for (const path of ['/meta', '/student', '/student/1', '/student/1/history', '/auth/me', '/claim/export']) {
      expect((await anon('GET', path)).status).toBe(401);
    }
    expect((await anon('POST', '/audit_log/1/revert')).status).toBe(401);
    expect((await anon('GET', '/health')).status).toBe(200);
  });

  it('refuses alg none, expired, wrongly signed and tampered tokens (401)', async () => {
    const good = (await login(DEMO.admin, demoPassword(DEMO.admin))).body.token as string;
    const [h, p, sig] = good.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`;
    const tampered = `${h}.${b64({ ...claims, sub: String(await userId(DEMO.practitioner)) })}.${sig}`;
    const expired = await new SignJWT({ sid: claims.sid }).setProtectedHeader({ alg: 'HS256' }).setSubject(claims.sub).setIssuer(claims.iss).setAudience(claims.aud).setIssuedAt(claims.iat - 100_000).setExpirationTime(claims.iat - 90_000).sign(key);
    const wrongKey = await new SignJWT({ sid: claims.sid }).setProtectedHeader({ alg: 'HS256' }).setSubject(claims.sub).setIssuer(claims.iss).setAudience(claims.aud).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode('another-secret-another-secret-another-secret'));
    const hs512 = await new SignJWT({ sid: claims.sid }).setProtectedHeader({ alg: 'HS512' }).setSubject(claims.sub).setIssuer(claims.iss).setAudience(claims.aud).setIssuedAt().setExpirationTime('1h').sign(key);
    for (const token of [none, tampered, expired, wrongKey, hs512, 'garbage', `${h}.${p}`]) {
      const res = await anon('GET', '/student', undefined, { authorization: `Bearer ${token}` });
      expect(res.status).toBe(401);
    }
    expect((await anon('GET', '/student', undefined, { authorization: `Bearer ${good}` })).status).toBe(200);
  });

  it('ends exactly that token on logout', async () => {
    const a = await signIn(app.url, 'supervisor');
    const b = await signIn(app.url, 'supervisor');
    expect((await anon('POST', '/auth/logout', undefined, a)).status).toBe(204);
    expect((await anon('GET', '/student', undefined, a)).status).toBe(401);
    expect((await anon('GET', '/student', undefined, b)).status).toBe(200);
  });

  it('cuts off a user set Inactive or Suspended on the next request', async () => {
    const admin = client(`${app.url}/api`, await signIn(app.url, 'admin'));
    const who = await signIn(app.url, 'districtAdmin');
    const id = await userId(DEMO.districtAdmin);
    expect((await anon('GET', '/student', undefined, who)).status).toBe(200);
    expect((await admin('PUT', `/app_user/${id}`, { status: 'Suspended' })).status).toBe(200);
    expect((await anon('GET', '/student', undefined, who)).status).toBe(401);
    expect((await login(DEMO.districtAdmin, demoPassword(DEMO.districtAdmin))).status).toBe(401);
    await admin('PUT', `/app_user/${id}`, { status: 'Active' });
    expect((await login(DEMO.districtAdmin, demoPassword(DEMO.districtAdmin))).status).toBe(200);
  });

  it('ends old sessions when the password changes, records the change without the hash', async () => {
    const old = await signIn(app.url, 'practitioner');
    const change = await anon('POST', '/auth/password', { current: demoPassword(DEMO.practitioner), password: 'a-brand-new-passphrase' }, old);
    expect(change.status).toBe(200);
    expect((await anon('GET', '/student', undefined, old)).status).toBe(401);
    // The one who changed it carries on with the fresh token it answered.
    expect((await anon('GET', '/student', undefined, { authorization: `Bearer ${change.body.token}` })).status).toBe(200);
    expect((await login(DEMO.practitioner, demoPassword(DEMO.practitioner))).status).toBe(401);
    const fresh = await signIn(app.url, DEMO.practitioner, 'a-brand-new-passphrase');
    expect((await anon('GET', '/student', undefined, fresh)).status).toBe(200);
    const { rows } = await db.pool.query(`SELECT action, changed_data ? 'password_hash' AS has_hash, changed_data->>'changed_at' <> old_data->>'changed_at' AS changed, user_id FROM audit_log WHERE table_name = 'user_credential' AND reason = 'password change'`);
    expect(rows).toEqual([{ action: 'UPDATE', has_hash: false, changed: true, user_id: await userId(DEMO.practitioner) }]);
    // Another user's password needs permission.manage.
    const support = await signIn(app.url, 'support');
    expect((await anon('POST', `/app_user/${await userId(DEMO.admin)}/password`, { password: 'taken-over-account' }, support)).status).toBe(403);
  });

  it('never returns a password hash from any endpoint, and audit_log holds none', async () => {
    const admin = client(`${app.url}/api`, await signIn(app.url, 'admin'));
    const meta = (await admin('GET', '/meta')).body;
    const bodies: string[] = [JSON.stringify(meta)];
    for (const r of meta.resources) {
      bodies.push(JSON.stringify((await admin('GET', `/${r.name}?range=[0,999]`)).body));
      bodies.push(String((await admin('GET', `/${r.name}/export`)).body));
    }
    bodies.push(JSON.stringify((await admin('GET', `/app_user/${await userId(DEMO.admin)}/history`)).body));
    bodies.push(JSON.stringify((await admin('GET', '/docs-json')).body));
    expect(meta.resources.map((r: { name: string }) => r.name)).not.toContain('user_credential');
    expect(bodies.filter((body) => /\$argon2|password_hash/.test(body)).length).toBe(0);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE coalesce(changed_data::text, '') || coalesce(old_data::text, '') LIKE '%$argon2%'`);
    expect(rows[0].n).toBe(0);
  });
});

describe('login abuse', () => {
  it('answers an unknown user and a wrong password the same way, in about the same time', async () => {
    const time = async (email: string) => {
      const t = performance.now();
      const res = await login(email, 'wrong-password-123');
      return { ms: performance.now() - t, status: res.status, body: res.body };
    };
    const unknown = [];
    const wrong = [];
    const before = passwordVerifications();
    for (let i = 0; i < 5; i++) {
      unknown.push(await time(`nobody${i}@example.invalid`));
      wrong.push(await time(`practitioner${(i % 3) + 2}@demo.kcsos.invalid`));
    }
    expect(unknown[0].status).toBe(401);
    expect(unknown.map((r) => [r.status, r.body])).toEqual(wrong.map((r) => [r.status, r.body]));
    // The same work by construction: each attempt, known or not, checks exactly one argon2 hash...
    expect(passwordVerifications() - before).toBe(10);
    // ...and so takes about the same time (medians: one attempt slowed by a loaded CPU does not decide it).
    const median = (xs: { ms: number }[]) => xs.map((x) => x.ms).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    expect(median(unknown) / median(wrong)).toBeGreaterThan(0.5);
    expect(median(unknown) / median(wrong)).toBeLessThan(2);
  });

  it('refuses over-long passwords before hashing (400)', async () => {
    const res = await login(DEMO.admin, 'x'.repeat(100_000));
    expect(res.status).toBe(400);
  });

  it('blocks an account after repeated failures with 429 and Retry-After, even with the right password', async () => {
    const email = 'practitioner7@demo.kcsos.invalid';
    for (let i = 0; i < 5; i++) expect((await login(email, 'nope-nope-nope')).status).toBe(401);
    const blocked = await login(email, demoPassword(email));
    expect(blocked.status).toBe(429);
    const wait = Number(blocked.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    // The message says how long, as the header does.
    expect(blocked.body.message).toBe(`Too many failed sign-ins; try again in ${wait < 90 ? `${wait} seconds` : `${Math.ceil(wait / 60)} minutes`}`);
  });

  it('blocks a client address after failures spread over many accounts', async () => {
    let last = 0;
    for (let i = 0; i < 45 && last !== 429; i++) last = (await login(`spray${i}@example.invalid`, 'guess-guess-guess')).status;
    expect(last).toBe(429);
  });
});
