import { describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import { DEMO, demoPassword } from '../support/server.js';
import { consoleForTests, signInAs } from './browser.js';

/** The console's sign-in steps under the default second-factor policy (issue 20). */
const ctx = consoleForTests({ MFA_REQUIRED_ROLES: 'default' });

let adminRecovery: string[] = [];
const code = (secret: string, stepsAhead = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepsAhead * 30 });

describe('sign-in with a second factor (Chromium)', () => {
  it('leads an admin through enrolment at the first sign-in, then asks for the code at the next', async () => {
    const context = await ctx.browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(ctx.app.url + '/');
    await page.locator('input[name="username"]').fill(DEMO.admin);
    await page.locator('input[name="password"]').fill(demoPassword(DEMO.admin));
    await page.locator('button[type="submit"]').click();
    await page.getByText('Set up your second factor').waitFor();
    await expect(page.getByAltText('QR code for your authenticator app').getAttribute('src')).resolves.toMatch(/^data:image\/png;base64,/);
    const secret = (await page.getByTestId('mfa-secret').textContent())!.trim();
    await page.locator('input[name="code"]').fill('000000' === (await code(secret)) ? '111111' : '000000');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('alert').filter({ hasText: /wrong/ }).waitFor();
    await page.locator('input[name="code"]').fill(await code(secret));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Keep these recovery codes').waitFor();
    expect(await page.getByTestId('recovery-codes').locator('li').count()).toBe(10);
    adminRecovery = await page.getByTestId('recovery-codes').locator('li').allTextContents();
    await page.screenshot({ path: 'test-artifacts/e2e/sign-in-1-recovery-codes.png' });
    await page.getByRole('button', { name: /continue/ }).click();
    await page.getByText(/^Welcome/).waitFor();
    await context.close();

    // The next sign-in asks for the code after the password.
    const again = await ctx.browser.newContext();
    const p2 = await again.newPage();
    p2.setDefaultTimeout(15_000);
    await p2.goto(ctx.app.url + '/');
    await p2.locator('input[name="username"]').fill(DEMO.admin);
    await p2.locator('input[name="password"]').fill(demoPassword(DEMO.admin));
    await p2.locator('button[type="submit"]').click();
    await p2.locator('input[name="code"]').fill(await code(secret, 1));
    await p2.locator('button[type="submit"]').click();
    await p2.getByText(/^Welcome/).waitFor();
    await again.close();
  });

  it('lets an admin (signed in with a recovery code) reset a user\'s second factor, with a reason', async () => {
    // The supervisor enrols through the API.
    const first = await (await fetch(`${ctx.app.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: DEMO.supervisor, password: demoPassword(DEMO.supervisor) }) })).json();
    const auth = { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' };
    const setup = await (await fetch(`${ctx.app.url}/api/auth/mfa/setup`, { method: 'POST', headers: auth, body: '{}' })).json();
    expect((await fetch(`${ctx.app.url}/api/auth/mfa/confirm`, { method: 'POST', headers: auth, body: JSON.stringify({ code: await code(setup.secret) }) })).status).toBe(200);
    const supervisorId = first.user.id;

    const context = await ctx.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(ctx.app.url + '/');
    await page.locator('input[name="username"]').fill(DEMO.admin);
    await page.locator('input[name="password"]').fill(demoPassword(DEMO.admin));
    await page.locator('button[type="submit"]').click();
    await page.locator('input[name="code"]').fill(adminRecovery[0]);
    await page.locator('button[type="submit"]').click();
    await page.getByText(/^Welcome/).waitFor();
    await page.goto(`${ctx.app.url}/#/app_user/${supervisorId}/show`);
    await page.getByRole('button', { name: 'Reset second factor' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('input[name="reason"]').fill('Lost phone, ticket 4711');
    await dialog.getByRole('button', { name: 'Reset' }).click();
    await page.getByText(/Second factor reset for .*: their sessions have ended/).waitFor();
    await page.screenshot({ path: 'test-artifacts/e2e/sign-in-3-mfa-reset.png' });
    const { rows } = await ctx.db.pool.query(`SELECT reason FROM audit_log WHERE table_name = 'user_mfa' AND action = 'DELETE' AND old_data->>'user_id' = $1`, [String(supervisorId)]);
    expect(rows).toEqual([{ reason: 'Lost phone, ticket 4711' }]);
    expect((await fetch(`${ctx.app.url}/api/auth/me`, { headers: auth })).status).toBe(401);
    await context.close();
  });

  it('keeps the one-step sign-in for a role that needs no second factor', async () => {
    await ctx.db.pool.query(`UPDATE permission_item SET practitioner = false WHERE name LIKE '%.sensitive'`);
    const s = await signInAs(ctx.browser, ctx.app.url, 'practitioner');
    expect(s.errors).toEqual([]);
    await s.close();
  });
});

describe('automatic logoff in the console (Chromium)', () => {
  const idle = consoleForTests({ SESSION_IDLE_MINUTES: '0.25' });

  it('warns before the session ends, stays signed in when asked, and signs out when not', async () => {
    const s = await signInAs(idle.browser, idle.app.url, 'supervisor');
    const { page } = s;
    const dialog = page.getByRole('dialog', { name: 'Still there?' });
    await dialog.waitFor({ timeout: 30_000 });
    await s.shot('sign-in-2-idle-warning');
    const sid = await page.evaluate(() => JSON.parse(atob(localStorage.getItem('kcsos.token')!.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).sid);
    await idle.db.pool.query(`UPDATE auth_session SET last_seen_at = now() - interval '10 seconds' WHERE id = $1`, [sid]);
    await dialog.getByRole('button', { name: 'Stay signed in' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // "Stay signed in" marked the session used on the server.
    let seen = 99;
    for (let i = 0; i < 50 && seen > 5; i++) {
      seen = (await idle.db.pool.query(`SELECT extract(epoch FROM now() - last_seen_at)::float AS ago FROM auth_session WHERE id = $1`, [sid])).rows[0].ago;
      if (seen > 5) await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen).toBeLessThan(5);
    // Left alone, the warning comes back and the console signs out.
    await page.locator('input[name="username"]').waitFor({ timeout: 60_000 });
    const { rows } = await idle.db.pool.query(`SELECT ended_at IS NOT NULL OR last_seen_at < now() - interval '15 seconds' AS over FROM auth_session WHERE id = $1`, [sid]);
    expect(rows[0].over).toBe(true);
    await s.close();
  });
});
