import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { client, DEMO, signIn } from '../support/server.js';
import { testIdp, type TestIdp } from '../support/test-idp.js';
import { consoleForTests } from './browser.js';

/**
 * Single sign-on end to end (issue 20): the console's "Sign in with ..." against a real OpenID
 * provider (oidc-provider) started here on loopback, through openid-client in the server.
 */
let idp: TestIdp;
const env: Record<string, string> = {};
beforeAll(async () => {
  idp = await testIdp();
  env.OIDC_PROVIDERS = JSON.stringify([
    { id: 'district', name: 'District Google', issuer: idp.issuer, client_id: 'kcsos-console', client_secret: 'a-client-secret-for-the-tests', domains: ['demo.kcsos.invalid'] },
    // The same provider, trusted to say (amr) that it asked for a second factor itself.
    { id: 'district-mfa', name: 'District Entra', issuer: idp.issuer, client_id: 'kcsos-console', client_secret: 'a-client-secret-for-the-tests', domains: ['demo.kcsos.invalid'], trust_amr: true },
    // A provider configured to create an account for a verified e-mail of its domain that has none.
    { id: 'district-open', name: 'District Workspace', issuer: idp.issuer, client_id: 'kcsos-console', client_secret: 'a-client-secret-for-the-tests', domains: ['newstaff.kcsos.invalid'], create_accounts: { role: 'Practitioner', districts: ['Kern High School District'] } },
  ]);
});
const ctx = consoleForTests(env);
beforeAll(async () => {
  await idp.start('kcsos-console', 'a-client-secret-for-the-tests', ['district', 'district-mfa', 'district-open'].map((p) => `${ctx.app.url}/api/auth/oidc/${p}/callback`));
});
afterAll(async () => {
  await idp?.close();
});

/** A fresh browser: the console's button, the provider's own sign-in page (and consent), back to the console. */
async function ssoAs(login: string, before?: (page: Page) => Promise<void>, provider = 'District Google') {
  const context = await ctx.browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await before?.(page);
  await page.goto(ctx.app.url + '/');
  await page.getByRole('link', { name: `Sign in with ${provider}`, exact: true }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('anything');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  const consent = page.getByRole('button', { name: 'Continue' });
  await Promise.race([consent.waitFor().then(() => consent.click()), page.waitForURL(`${ctx.app.url}/**`)]);
  await page.waitForURL(`${ctx.app.url}/**`);
  return { page, close: () => context.close() };
}

const refusal = async (page: Page) => (await page.getByRole('alert').first().textContent())?.trim();

describe('single sign-on (Chromium, oidc-provider on loopback)', () => {
  it('lists the provider and signs a matching active user in', async () => {
    const providers = await client(`${ctx.app.url}/api`)('GET', '/auth/oidc/providers');
    expect(providers.body).toEqual([
      { id: 'district', name: 'District Google', start: '/api/auth/oidc/district/start' },
      { id: 'district-mfa', name: 'District Entra', start: '/api/auth/oidc/district-mfa/start' },
      { id: 'district-open', name: 'District Workspace', start: '/api/auth/oidc/district-open/start' },
    ]);
    const { page, close } = await ssoAs(DEMO.supervisor);
    await page.getByText(/^Welcome/).waitFor();
    await page.screenshot({ path: 'test-artifacts/e2e/sso-1-signed-in.png' });
    // A real session: the console's token works on the API, and the ticket is gone from the address.
    const token = await page.evaluate(() => localStorage.getItem('kcsos.token'));
    expect((await client(`${ctx.app.url}/api`, { authorization: `Bearer ${token}` })('GET', '/auth/me')).body.user.email).toBe(DEMO.supervisor);
    expect(page.url()).not.toContain('sso_ticket');
    // Recorded as an authentication event, not as a change of the user's record.
    const event = (await ctx.db.pool.query(`SELECT e.* FROM auth_event e JOIN app_user u ON u.id = e.user_id WHERE u.email = $1 ORDER BY e.id DESC LIMIT 1`, [DEMO.supervisor])).rows[0];
    expect(event).toMatchObject({ event: 'sign-in', outcome: 'success', method: 'single sign-on', provider: 'district' });
    await close();
  });

  it('refuses an ID token for another audience', async () => {
    idp.tamper = (c) => ({ ...c, aud: 'another-client' });
    const { page, close } = await ssoAs(DEMO.support);
    idp.tamper = null;
    expect(await refusal(page)).toBe("District Google's answer could not be verified; start again");
    expect(await page.evaluate(() => localStorage.getItem('kcsos.token'))).toBeNull();
    await close();
  });

  it('refuses an ID token with another nonce', async () => {
    idp.tamper = (c) => ({ ...c, nonce: 'not-the-nonce-we-sent' });
    const { page, close } = await ssoAs(DEMO.support);
    idp.tamper = null;
    expect(await refusal(page)).toBe("District Google's answer could not be verified; start again");
    await close();
  });

  it('refuses an e-mail the provider has not verified', async () => {
    const { page, close } = await ssoAs(`unverified:${DEMO.support}`);
    expect(await refusal(page)).toBe('Your e-mail address is not verified at District Google');
    // A refusal at the callback is a failed sign-in, recorded with the provider and its reason.
    const event = (await ctx.db.pool.query(`SELECT * FROM auth_event ORDER BY id DESC LIMIT 1`)).rows[0];
    expect(event).toMatchObject({ event: 'sign-in', outcome: 'failure', method: 'single sign-on', provider: 'district', detail: 'Your e-mail address is not verified at District Google' });
    await close();
  });

  it('refuses an e-mail outside the allowed domains', async () => {
    const { page, close } = await ssoAs('someone@elsewhere.example');
    expect(await refusal(page)).toBe('District Google may sign in addresses of demo.kcsos.invalid only');
    await close();
  });

  it('refuses an expired code', async () => {
    // The provider's redirect back to us is held until its 1-second code has expired.
    idp.codeTtl = 1;
    idp.holdRedirectMs = 2_500;
    const { page, close } = await ssoAs(DEMO.support);
    idp.codeTtl = 60;
    idp.holdRedirectMs = 0;
    expect(await refusal(page)).toBe("District Google's answer could not be verified; start again");
    await close();
  });

  it('refuses a deactivated user', async () => {
    await ctx.db.pool.query(`UPDATE app_user SET status = 'Inactive' WHERE email = 'practitioner2@demo.kcsos.invalid'`);
    const { page, close } = await ssoAs('practitioner2@demo.kcsos.invalid');
    expect(await refusal(page)).toBe('No active account for practitioner2@demo.kcsos.invalid; ask an administrator');
    await close();
  });

  it('still asks for the second factor of a user who enabled one', async () => {
    const api = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'districtAdmin'));
    const { secret } = (await api('POST', '/auth/mfa/setup')).body;
    const now = () => Math.floor(Date.now() / 1000);
    expect((await api('POST', '/auth/mfa/confirm', { code: await generate({ secret, epoch: now() }) })).status).toBe(200);
    // The provider says it asked for a second factor (amr), but this one is not trusted to: ours is asked.
    idp.tamper = (c) => ({ ...c, amr: ['pwd', 'mfa'] });
    const { page, close } = await ssoAs(DEMO.districtAdmin);
    await page.locator('input[name="code"]').fill(await generate({ secret, epoch: now() + 30 }));
    await page.locator('button[type="submit"]').click();
    await page.getByText(/^Welcome/).waitFor();
    await close();
    // A provider trusted with trust_amr: its word stands in for our second factor.
    const trusted = await ssoAs(DEMO.districtAdmin, undefined, 'District Entra');
    await trusted.page.getByText(/^Welcome/).waitFor();
    await trusted.close();
    // Without the amr claim, even the trusted provider's sign-in asks for our code.
    idp.tamper = null;
    const plain = await ssoAs(DEMO.districtAdmin, undefined, 'District Entra');
    await plain.page.locator('input[name="code"]').waitFor();
    await plain.close();
  });

  it('counts single sign-on against the sign-in limits', async () => {
    // Five wrong codes after single sign-on use up the account's attempts at this address.
    const email = 'practitioner3@demo.kcsos.invalid';
    const api = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, email));
    const { secret } = (await api('POST', '/auth/mfa/setup')).body;
    expect((await api('POST', '/auth/mfa/confirm', { code: await generate({ secret, epoch: Math.floor(Date.now() / 1000) }) })).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await client(`${ctx.app.url}/api`)('POST', '/auth/login', { email, password: 'wrong-password-here' })).status).toBe(401);
    const { page, close } = await ssoAs(email);
    // The ticket's completion is refused by the limit before any code is asked.
    expect(await refusal(page)).toMatch(/^Too many failed sign-ins; try again in \d+ (seconds|minutes)$/);
    await close();
  });

  it('binds the flow to the browser that started it: a ticket forwarded elsewhere is refused', async () => {
    let ticket = '';
    const { page, close } = await ssoAs(DEMO.supervisor, async (p) => {
      // Hold the console's own completion, to take its ticket elsewhere first.
      await p.route('**/api/auth/oidc/complete', async (route) => {
        ticket = JSON.parse(route.request().postData()!).ticket;
        await route.abort();
      });
    });
    await page.getByRole('alert').first().waitFor();
    expect(ticket).toMatch(/^[\w-]{43}$/);
    const elsewhere = await client(`${ctx.app.url}/api`)('POST', '/auth/oidc/complete', { ticket });
    expect([elsewhere.status, elsewhere.body.message]).toEqual([401, 'This single sign-on has expired or was already used; start again']);
    const other = await ctx.browser.newContext();
    const victim = await other.newPage();
    await victim.goto(`${ctx.app.url}/?sso_ticket=${ticket}`);
    expect(await refusal(victim)).toBe('This single sign-on has expired or was already used; start again');
    expect(await victim.evaluate(() => localStorage.getItem('kcsos.token'))).toBeNull();
    await other.close();
    // In the browser that started it, the same ticket signs in (once).
    await page.unroute('**/api/auth/oidc/complete');
    const own = await page.evaluate(async (t) => (await fetch('/api/auth/oidc/complete', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ticket: t }) })).status, ticket);
    expect(own).toBe(200);
    const again = await page.evaluate(async (t) => (await fetch('/api/auth/oidc/complete', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ticket: t }) })).status, ticket);
    expect(again).toBe(401);
    await close();
    const start = await fetch(`${ctx.app.url}/api/auth/oidc/district/start`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    expect(start.headers.get('set-cookie')).toMatch(/^kcsos_sso=[\w-]{43}; Path=\/api\/auth\/oidc; HttpOnly; SameSite=Lax; Max-Age=600$/);
  });

  it('creates no account unless the provider is configured to, and then one with the configured role', async () => {
    const email = 'new.counselor@newstaff.kcsos.invalid';
    const count = async () => Number((await ctx.db.pool.query(`SELECT count(*) AS n FROM app_user WHERE lower(email) = $1`, [email])).rows[0].n);
    // A provider that does not create accounts refuses a verified e-mail of its domain without one.
    const stranger = 'unknown.person@demo.kcsos.invalid';
    const refused = await ssoAs(stranger);
    expect(await refusal(refused.page)).toMatch(/No active account/);
    await refused.close();
    expect(Number((await ctx.db.pool.query(`SELECT count(*) AS n FROM app_user WHERE lower(email) = $1`, [stranger])).rows[0].n)).toBe(0);
    expect(await count()).toBe(0);
    const { page, close } = await ssoAs(email, undefined, 'District Workspace');
    await page.getByText(/^Welcome/).waitFor();
    await close();
    const made = (await ctx.db.pool.query(`SELECT role, status, districts FROM app_user WHERE lower(email) = $1`, [email])).rows;
    expect(made).toEqual([{ role: 'Practitioner', status: 'Active', districts: ['Kern High School District'] }]);
    const audited = (await ctx.db.pool.query(`SELECT reason FROM audit_log WHERE table_name = 'app_user' AND action = 'INSERT' ORDER BY id DESC LIMIT 1`)).rows[0];
    expect(audited.reason).toBe('account created at first single sign-on with District Workspace');
  });

  it('refuses a used or forged ticket, and an unknown provider', async () => {
    const anon = client(`${ctx.app.url}/api`);
    expect((await anon('POST', '/auth/oidc/complete', { ticket: 'x'.repeat(43) })).status).toBe(401);
    expect((await anon('POST', '/auth/oidc/complete', { ticket: 'short' })).status).toBe(400);
    expect((await anon('GET', '/auth/oidc/nowhere/start')).status).toBe(404);
    const replay = await fetch(`${ctx.app.url}/api/auth/oidc/district/callback?code=abc&state=forged`, { redirect: 'manual' });
    expect(replay.status).toBe(302);
    expect(decodeURIComponent(replay.headers.get('location')!)).toContain('expired or was already used');
  });
});
