import { describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import { DEMO, demoPassword } from '../support/server.js';
import { consoleForTests, signInAs } from './browser.js';

/** The console's sign-in steps under the default second-factor policy (issue 20). */
const ctx = consoleForTests({ MFA_REQUIRED_ROLES: 'default' });

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

  it('keeps the one-step sign-in for a role that needs no second factor', async () => {
    await ctx.db.pool.query(`UPDATE permission_item SET practitioner = false WHERE name LIKE '%.sensitive'`);
    const s = await signInAs(ctx.browser, ctx.app.url, 'practitioner');
    expect(s.errors).toEqual([]);
    await s.close();
  });
});
