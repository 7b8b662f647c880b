import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { App } from '../../server/app.js';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { client, serverForTests, signIn, startServer } from '../support/server.js';

/**
 * Automatic logoff (issue 20, HIPAA 164.312(a)(2)(iii)): a session unused for SESSION_IDLE_MINUTES
 * (default 15) ends on the server. The default is tested by ageing the session's last use in the
 * database; a short setting is tested in real time.
 */
const ctx = serverForTests();

const sessionOf = (auth: Record<string, string>) => JSON.parse(Buffer.from(auth.authorization.split('.')[1], 'base64url').toString()).sid as string;
const me = (auth: Record<string, string>) => fetch(`${ctx.app.url}/api/auth/me`, { headers: auth });
const age = (auth: Record<string, string>, minutes: number) =>
  ctx.db.pool.query(`UPDATE auth_session SET last_seen_at = now() - make_interval(mins => $2) WHERE id = $1`, [sessionOf(auth), minutes]);
const lastSeen = async (auth: Record<string, string>) =>
  (await ctx.db.pool.query(`SELECT extract(epoch FROM now() - last_seen_at)::float AS ago FROM auth_session WHERE id = $1`, [sessionOf(auth)])).rows[0].ago as number;

describe('automatic logoff', () => {
  it('ends a session unused for 15 minutes (the default), and it stays ended', async () => {
    const auth = await signIn(ctx.app.url, 'supervisor');
    const answer = await (await me(auth)).json();
    expect(answer.idle_timeout_seconds).toBe(15 * 60);
    await age(auth, 16);
    expect((await me(auth)).status).toBe(401);
    expect((await fetch(`${ctx.app.url}/api/student`, { headers: auth })).status).toBe(401);
    // Another session of the same user is not affected.
    expect((await me(await signIn(ctx.app.url, 'supervisor'))).status).toBe(200);
  });

  it('counts from the last use: a session used 14 minutes ago is valid and marked used now', async () => {
    const auth = await signIn(ctx.app.url, 'supervisor');
    await age(auth, 14);
    expect((await me(auth)).status).toBe(200);
    expect(await lastSeen(auth)).toBeLessThan(60);
    await age(auth, 14);
    expect((await fetch(`${ctx.app.url}/api/student?range=[0,0]`, { headers: auth })).status).toBe(200);
    expect(await lastSeen(auth)).toBeLessThan(60);
  });

  it('"stay signed in" (POST /auth/keepalive) marks the session used whenever it was last marked', async () => {
    const auth = await signIn(ctx.app.url, 'supervisor');
    const res = await client(`${ctx.app.url}/api`, auth)('POST', '/auth/keepalive');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ idle_timeout_seconds: 900 });
    await age(auth, 10);
    expect((await client(`${ctx.app.url}/api`, auth)('POST', '/auth/keepalive')).status).toBe(200);
    expect(await lastSeen(auth)).toBeLessThan(60);
    await age(auth, 20);
    expect((await client(`${ctx.app.url}/api`, auth)('POST', '/auth/keepalive')).status).toBe(401);
  });

  it('keeps the absolute lifetime: a session past its 8 hours ends however recently used', async () => {
    const auth = await signIn(ctx.app.url, 'supervisor');
    await ctx.db.pool.query(`UPDATE auth_session SET expires_at = now() - interval '1 second' WHERE id = $1`, [sessionOf(auth)]);
    expect((await me(auth)).status).toBe(401);
  });
});

describe('SESSION_IDLE_MINUTES', () => {
  let db: TestDatabase;
  let app: App;
  beforeAll(async () => {
    db = await testDatabase();
    app = await startServer(db, { SESSION_IDLE_MINUTES: '0.05' });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('ends an unused session after the configured time, in real time', async () => {
    const auth = await signIn(app.url, 'support');
    const started = Date.now();
    expect((await fetch(`${app.url}/api/auth/me`, { headers: auth })).status).toBe(200);
    const used = Date.now();
    let status = 200;
    // Poll (each poll is a use only while the session is still valid, so wait between polls longer than the idle time).
    while (status === 200 && Date.now() - started < 60_000) {
      await new Promise((r) => setTimeout(r, 3_500));
      status = (await fetch(`${app.url}/api/auth/me`, { headers: auth })).status;
    }
    expect(status).toBe(401);
    expect(Date.now() - used).toBeGreaterThanOrEqual(3_000);
  });

  it('refuses a value that is not a number of minutes at boot', async () => {
    await expect(startServer(db, { SESSION_IDLE_MINUTES: 'soon' })).rejects.toThrow(/SESSION_IDLE_MINUTES/);
  });
});
