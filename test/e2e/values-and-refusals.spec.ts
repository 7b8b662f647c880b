import { describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { client, signIn } from '../support/server.js';
import { consoleForTests, signInAs } from './browser.js';

const ctx = consoleForTests();
const one = async (sql: string, params: unknown[] = []) => (await ctx.db.pool.query(sql, params)).rows[0];

/** The text a show page draws for the field labelled `label`. */
async function shown(page: Page, label: string): Promise<string> {
  const box = page.locator('.RaLabeled-label').filter({ hasText: new RegExp(`^${label}$`) }).locator('xpath=..');
  return (await box.locator(':scope > :not(.RaLabeled-label)').first().innerText()).trim();
}

/** Waits (up to 10 s) until `read` answers `expected`. */
async function until(read: () => Promise<unknown>, expected: unknown) {
  let last: unknown;
  for (let i = 0; i < 100; i++) {
    last = await read();
    if (last === expected) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(last).toBe(expected);
}

/** Counts the requests to paths matching `pattern` from now on. */
function countRequests(page: Page, pattern: RegExp) {
  const seen: string[] = [];
  page.on('request', (r) => pattern.test(new URL(r.url()).pathname) && seen.push(r.url()));
  return seen;
}

describe('yes/no values in three states (Chromium)', () => {
  it('shows Yes, No and not recorded apart on the show page, and NULL is saved only by choosing "Not recorded"', async () => {
    const claim = await one(`SELECT id, claim_number FROM claim ORDER BY id LIMIT 1`);
    await ctx.db.pool.query(`UPDATE claim SET consent_to_treat = NULL, consent_to_bill = false, medi_cal_eligible = true WHERE id = $1`, [claim.id]);
    const admin = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'admin'));
    const fields = (await admin('GET', '/meta')).body.resources.find((r: { name: string }) => r.name === 'claim').fields as { name: string; label: string }[];
    const label = (name: string) => fields.find((f) => f.name === name)!.label;

    const s = await signInAs(ctx.browser, ctx.app.url, 'admin');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/claim/${claim.id}/show`);
    await page.getByRole('tab', { name: 'Details' }).waitFor();
    expect(await shown(page, label('consent_to_treat'))).toBe('not recorded');
    expect(await shown(page, label('consent_to_bill'))).toBe('No');
    expect(await shown(page, label('medi_cal_eligible'))).toBe('Yes');
    await s.shot('values-1-three-states');

    // The edit form's select names the empty choice; picking No saves false, picking "Not recorded" saves NULL.
    await page.goto(`${ctx.app.url}/#/claim/${claim.id}`);
    const select = page.getByRole('combobox', { name: label('consent_to_treat') });
    await select.waitFor();
    expect((await select.innerText()).trim()).toBe('Not recorded');
    await select.click();
    expect(await page.getByRole('option').allInnerTexts()).toEqual(['Not recorded', 'Yes', 'No']);
    await page.getByRole('option', { name: 'No', exact: true }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('tab', { name: 'Details' }).waitFor();
    await until(async () => (await one(`SELECT consent_to_treat FROM claim WHERE id = $1`, [claim.id])).consent_to_treat, false);
    expect(await shown(page, label('consent_to_treat'))).toBe('No');

    // The diff says where it came from: not recorded -> No.
    await page.getByRole('tab', { name: 'History' }).click();
    const row = page.getByTestId('history-event').first().locator(`tr[data-field="${label('consent_to_treat')}"]`);
    await row.waitFor();
    expect((await row.locator('td').allInnerTexts()).map((t) => t.trim())).toEqual([label('consent_to_treat'), 'not recorded', 'No']);

    await page.goto(`${ctx.app.url}/#/claim/${claim.id}`);
    const again = page.getByRole('combobox', { name: label('consent_to_treat') });
    await until(async () => (await again.innerText().catch(() => '')).trim(), 'No');
    await page.getByRole('button', { name: 'Save' }).waitFor();
    await page.waitForLoadState('networkidle');
    await again.click();
    await page.getByRole('option', { name: 'Not recorded' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('tab', { name: 'Details' }).waitFor();
    await until(async () => (await one(`SELECT consent_to_treat FROM claim WHERE id = $1`, [claim.id])).consent_to_treat, null);
    expect(s.errors).toEqual([]);
    await s.close();
  }, 120_000);

  it('filters a list by Yes, No or not recorded', async () => {
    const counts = await one(`SELECT count(*) FILTER (WHERE consent_to_bill IS NULL)::int AS nulls, count(*) FILTER (WHERE consent_to_bill = false)::int AS noes FROM claim`);
    await ctx.db.pool.query(`UPDATE claim SET consent_to_bill = NULL WHERE id IN (SELECT id FROM claim WHERE consent_to_bill IS NOT NULL ORDER BY id LIMIT 3)`);
    const nulls = (await one(`SELECT count(*)::int AS n FROM claim WHERE consent_to_bill IS NULL`)).n;
    expect(nulls).toBeGreaterThanOrEqual(Math.max(3, counts.nulls));
    const s = await signInAs(ctx.browser, ctx.app.url, 'admin');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/claim?filter=${encodeURIComponent(JSON.stringify({ consent_to_bill: '(not recorded)' }))}&displayedFilters=${encodeURIComponent(JSON.stringify({ consent_to_bill: true }))}`);
    await page.locator('tbody tr').first().waitFor();
    await page.getByText(new RegExp(`of ${nulls.toLocaleString('en-US')}$`)).waitFor();
    const filter = page.getByRole('combobox', { name: /Consent to bill/i });
    expect((await filter.innerText()).trim()).toBe('Not recorded');
    await filter.click();
    expect(await page.getByRole('option').allInnerTexts()).toEqual(['Any', 'Yes', 'No', 'Not recorded']);
    await page.getByRole('option', { name: 'No', exact: true }).click();
    const noes = (await one(`SELECT count(*)::int AS n FROM claim WHERE consent_to_bill = false`)).n;
    await page.getByText(new RegExp(`of ${noes.toLocaleString('en-US')}$`)).waitFor();
    await s.close();
  }, 120_000);
});

describe('refusals and the connection, at once (Chromium)', () => {
  it('a refused page says so after one request: the matrix for a district admin, an out-of-scope history, a missing record', async () => {
    const s = await signInAs(ctx.browser, ctx.app.url, 'districtAdmin');
    const { page } = s;
    const items = countRequests(page, /^\/api\/permission-matrix$/);
    await page.goto(`${ctx.app.url}/#/permissions`);
    await page.getByText(/^The permission matrix could not be loaded/).waitFor({ timeout: 4_000 });
    expect(items).toHaveLength(1);

    const practitioner = await one(`SELECT id FROM app_user WHERE email = 'practitioner@demo.kcsos.invalid'`);
    const other = await one(`SELECT id FROM student WHERE practitioner_id IS DISTINCT FROM $1 ORDER BY id LIMIT 1`, [practitioner.id]);
    const p = await signInAs(ctx.browser, ctx.app.url, 'practitioner');
    const history = countRequests(p.page, /\/history$/);
    await p.page.goto(`${ctx.app.url}/#/history/student/${other.id}`);
    await p.page.getByRole('alert').filter({ hasText: /not found|does not exist|may not see/i }).first().waitFor({ timeout: 4_000 });
    expect(history).toHaveLength(1);

    const shows = countRequests(p.page, /^\/api\/student\/\d+$/);
    await p.page.goto(`${ctx.app.url}/#/student/${other.id}/show`);
    await p.page.getByText(`Student #${other.id} does not exist, or you may not see it`).waitFor({ timeout: 4_000 });
    expect(shows).toHaveLength(1);
    await s.close();
    await p.close();
  }, 60_000);

  it('going offline says so at once, and says so again when the connection is back', async () => {
    const s = await signInAs(ctx.browser, ctx.app.url, 'support');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/student`);
    await page.locator('tbody tr').first().waitFor();
    await page.context().setOffline(true);
    await page.getByTestId('offline').waitFor({ timeout: 2_000 });
    expect(await page.getByTestId('offline').innerText()).toContain('You are offline');
    // A page opened while offline fails at once with the same words, instead of a long skeleton.
    await page.getByRole('menuitem', { name: 'Claims' }).click();
    await page.getByText(/You are offline: nothing can be loaded/).last().waitFor({ timeout: 3_000 });
    await page.context().setOffline(false);
    await page.getByTestId('back-online').getByText('The connection is back: the page has been reloaded from the server.').waitFor({ timeout: 3_000 });
    // The rows come from the server: on a loaded machine that may take longer than the browser's own notice.
    await page.locator('tbody tr').first().waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('offline').count()).toBe(0);
    await s.close();
  }, 120_000);
});

describe('permissions followed live (Chromium)', () => {
  it('every answer names the matrix version; a change redraws the menu and a stale Export names the missing permission', async () => {
    const admin = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'admin'));
    const before = await admin('GET', '/meta');
    expect(before.headers.get('x-permission-version')).toMatch(/^\d+$/);
    const refused = await client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'practitioner'))('GET', '/permission_item');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-permission-version')).toBe(before.headers.get('x-permission-version'));

    const s = await signInAs(ctx.browser, ctx.app.url, 'admin');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/claim`);
    await page.locator('tbody tr').first().waitFor();
    const exportButton = page.getByRole('button', { name: 'Export', exact: true });
    await exportButton.waitFor();
    await page.getByRole('menuitem', { name: 'Fee schedule codes' }).waitFor();

    const item = async (name: string) => (await admin('GET', `/permission_item?filter=${encodeURIComponent(JSON.stringify({ name }))}`)).body[0];
    for (const name of ['claim.export', 'fee_schedule_code.list']) {
      const it = await item(name);
      expect((await admin('PUT', `/permission_item/${it.id}`, { ...it, system_admin: false })).status).toBe(200);
    }
    const after = await admin('GET', '/meta');
    expect(after.headers.get('x-permission-version')).not.toBe(before.headers.get('x-permission-version'));

    // The stale button: its refusal names the permission, and the console redraws without a reload.
    await exportButton.click();
    await page.getByText(/your role no longer has the claim\.export permission/).waitFor({ timeout: 5_000 });
    await exportButton.waitFor({ state: 'detached', timeout: 5_000 });
    await page.getByRole('menuitem', { name: 'Fee schedule codes' }).waitFor({ state: 'detached', timeout: 5_000 });
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
    await s.close();
  }, 60_000);
});

describe('page and form fixes (Chromium)', () => {
  it('a deleted record\'s history is titled by its name; edit and show pages have their own tab titles; Not Found reads as a sentence', async () => {
    const admin = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'admin'));
    const claim = await one(`SELECT id, claim_number FROM claim ORDER BY id DESC LIMIT 1`);
    expect((await admin('DELETE', `/claim/${claim.id}`)).status).toBe(200);
    const s = await signInAs(ctx.browser, ctx.app.url, 'admin');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/history/claim/${claim.id}`);
    await page.locator('#main-content').getByRole('heading', { name: `History of Claim ${claim.claim_number}` }).waitFor();
    await page.waitForFunction((t) => document.title === t, `History of Claim ${claim.claim_number} — KCSOS admin`);

    const student = await one(`SELECT id, first_name, last_name FROM student ORDER BY id LIMIT 1`);
    await page.goto(`${ctx.app.url}/#/student/${student.id}/show`);
    await page.waitForFunction((t) => document.title.startsWith(t), `Student: ${student.last_name}, ${student.first_name}`);
    await page.goto(`${ctx.app.url}/#/student/${student.id}`);
    await page.waitForFunction((t) => document.title.startsWith(t), `Edit student: ${student.last_name}, ${student.first_name}`);

    await page.goto(`${ctx.app.url}/#/no-such-page`);
    const text = await page.getByText(/typed a wrong address/).innerText();
    expect(text).toMatch(/[^.]\.$/);
    await s.close();
  }, 60_000);
});
