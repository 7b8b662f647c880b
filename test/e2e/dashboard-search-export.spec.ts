import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { consoleForTests, signInAs } from './browser.js';
import { client, signIn } from '../support/server.js';

const ctx = consoleForTests();
// The machine is shared and often loaded: every wait is for a condition, given time to come true.
const signedIn = async (role: Parameters<typeof signInAs>[2]) => {
  const s = await signInAs(ctx.browser, ctx.app.url, role);
  s.page.setDefaultTimeout(60_000);
  return s;
};
const today = () => new Date().toISOString().slice(0, 10);

/** A figure's card, once its figures are counted (no spinner left in it). */
async function figure(page: Page, title: string) {
  const card = page.getByRole('region', { name: title });
  await card.waitFor();
  await card.locator('.MuiCircularProgress-root').waitFor({ state: 'detached' });
  return card;
}

/** The counts of a figure's table ("Figures as a table"), summed. */
async function tableTotal(card: ReturnType<Page['getByRole']>) {
  await card.getByText('Figures as a table').click();
  const cells = await card.locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r.querySelector('a')?.textContent ?? '0').replace(/,/g, '')));
  return cells.reduce((s, c) => s + Number(c), 0);
}

describe('dashboards per role (Chromium)', () => {
  it("an admin's reference-data health figures link to the lists they count", async () => {
    await ctx.db.pool.query(`UPDATE fee_schedule_code SET rate_amount = NULL WHERE id IN (SELECT id FROM fee_schedule_code ORDER BY id LIMIT 3)`);
    const expected = Number((await ctx.db.pool.query(`SELECT count(*) FROM fee_schedule_code WHERE rate_amount IS NULL`)).rows[0].count);
    const s = await signedIn('admin');
    const { page } = s;
    for (const section of ['Activity', 'Billing', 'Reference data health']) await page.getByRole('heading', { name: section, level: 2 }).waitFor();
    const card = await figure(page, 'Fee codes without a rate');
    await page.waitForLoadState('networkidle');
    await s.shot('dashboard-admin');
    const link = card.getByRole('link', { name: /open the list of fee codes without a rate/ });
    expect(await link.textContent()).toBe(String(expected));
    await link.click();
    await page.waitForURL(/#\/fee_schedule_code\?filter=/);
    await page.locator('table tbody tr').first().waitFor();
    expect(await page.locator('table tbody tr').count()).toBe(expected);
    // Users without a practitioner type: its list carries the named filter, shown as a filter.
    await page.goto(`${ctx.app.url}/#/`);
    const users = await figure(page, 'Users without a practitioner type');
    await users.getByRole('link').first().click();
    await page.waitForURL(/#\/app_user\?filter=/);
    await page.getByLabel('Without a practitioner type').waitFor();
    expect(s.errors).toEqual([]);
    await s.close();
  }, 300_000);

  it("a district admin's billing charts count only their districts, and a bar's row opens its list", async () => {
    const districts = (await ctx.db.pool.query(`SELECT districts FROM app_user WHERE email = 'district.admin@demo.kcsos.invalid'`)).rows[0].districts;
    const s = await signedIn('districtAdmin');
    const { page } = s;
    await page.getByRole('heading', { name: 'Billing', level: 2 }).waitFor();
    expect(await page.getByRole('heading', { name: 'Activity', level: 2 }).count()).toBe(0);
    const rejected = await figure(page, 'Rejected claims by reason');
    await rejected.locator('svg').first().waitFor();
    const theirs = Number((await ctx.db.pool.query(`SELECT count(*) FROM claim WHERE status = 'Rejected' AND district = ANY($1)`, [districts])).rows[0].count);
    const all = Number((await ctx.db.pool.query(`SELECT count(*) FROM claim WHERE status = 'Rejected'`)).rows[0].count);
    expect(theirs).toBeLessThan(all);
    expect(await tableTotal(rejected)).toBe(theirs);
    const byStatus = await figure(page, 'Claims by status per month');
    await tableTotal(byStatus);
    const first = byStatus.locator('tbody tr').first();
    const count = Number((await first.locator('a').textContent())!.replace(/,/g, ''));
    await s.shot('dashboard-district-admin');
    await first.locator('a').click();
    await page.waitForURL(/#\/claim\?filter=/);
    await page.locator('table tbody tr').first().waitFor();
    const shown = await page.getByText(/^\d+-\d+ of (about )?[\d,]+$/).textContent();
    expect(Number(/of (?:about )?([\d,]+)/.exec(shown!)![1].replace(/,/g, ''))).toBe(count);
    await page.getByLabel('Service date to').waitFor();
    expect(s.errors).toEqual([]);
    await s.close();
  }, 300_000);

  it('a chart whose card is too narrow to draw in is left out, and drawn once the card is wide again; the page logs no error', async () => {
    const s = await signedIn('districtAdmin');
    const { page } = s;
    const card = await figure(page, 'Rejected claims by reason');
    const chart = card.getByRole('img', { name: /chart/ });
    await chart.locator('svg').first().waitFor();
    // Narrower than the chart's axes: drawn at this width, its drawing area's clip path had a negative width.
    const narrow = await page.addStyleTag({ content: '[data-figure] { width: 60px !important; min-width: 0 !important }' });
    await page.waitForFunction((box) => box!.getBoundingClientRect().width < 60, await chart.elementHandle());
    await chart.locator('svg').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => undefined);
    expect(s.errors).toEqual([]);
    expect(await chart.locator('svg').count()).toBe(0);
    await narrow.evaluate((tag) => (tag as Element).remove());
    await chart.locator('svg').first().waitFor();
    expect((await chart.boundingBox())!.width).toBeGreaterThan(160);
    expect(s.errors).toEqual([]);
    await s.close();
  }, 300_000);

  it("a supervisor's activity: changes per day by table and by user, undos and conflicts, and recent actions linked to records", async () => {
    // Today: an undo, and a save refused because someone else saved first.
    const api = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'admin'));
    const loaded = (await api('GET', '/student/7')).body;
    expect((await api('PUT', '/student/7', { ...loaded, comments: 'first save' })).status).toBe(200);
    expect((await api('PUT', '/student/7', { ...loaded, comments: 'too late' })).status).toBe(409);
    const [event] = (await ctx.db.pool.query(`SELECT id FROM audit_log WHERE table_name = 'student' AND record_pk = '{"id": 7}' ORDER BY id DESC LIMIT 1`)).rows;
    expect((await api('POST', `/audit_log/${event.id}/revert`)).status).toBe(200);
    const s = await signedIn('supervisor');
    const { page } = s;
    await page.getByRole('heading', { name: 'Activity', level: 2 }).waitFor();
    for (const title of ['Changes per day by table', 'Changes per day by user', 'Undone changes per day', 'Write conflicts per day']) {
      const card = await figure(page, title);
      await card.locator('svg').first().waitFor();
      expect(await tableTotal(card)).toBeGreaterThan(0);
    }
    const recent = await figure(page, 'Recent actions');
    await recent.locator('li').first().waitFor();
    expect(await recent.locator('li').count()).toBeGreaterThan(0);
    // A day's count opens the list behind it: that day's conflicts, the student's among them.
    const conflicts = await figure(page, 'Write conflicts per day');
    const day = conflicts.locator('tbody tr').last();
    const count = Number((await day.locator('a').textContent())!.replace(/,/g, ''));
    await day.locator('a').click();
    await page.waitForURL(/#\/write_conflict\?/);
    await page.locator('table tbody tr').first().waitFor();
    expect(await page.locator('table tbody tr').count()).toBe(count);
    // The day it counted has no input in the filter bar: it is shown beside it, and can be removed.
    const applied = page.getByRole('group', { name: 'Other filters applied' });
    const dayChip = applied.locator('[data-filter="occurred_at"]');
    expect(await dayChip.textContent()).toMatch(/: \d{4}-\d{2}-\d{2}$/);
    await dayChip.locator('.MuiChip-deleteIcon').click();
    await dayChip.waitFor({ state: 'detached' });
    // The undos' list (the audit trail) shows the named condition it was opened with.
    await page.goto(`${ctx.app.url}/#/`);
    const undos = await figure(page, 'Undone changes per day');
    await undos.getByRole('link', { name: 'Open the list' }).click();
    await page.waitForURL(/#\/audit_log\?/);
    await page.getByRole('group', { name: 'Other filters applied' }).getByText('Undos: yes').waitFor();
    expect(s.errors).toEqual([]);
    await s.close();
  }, 300_000);

  it("a practitioner's casework figures count only their own services", async () => {
    const me = (await ctx.db.pool.query(`SELECT id FROM app_user WHERE email = 'practitioner@demo.kcsos.invalid'`)).rows[0].id;
    const s = await signedIn('practitioner');
    const card = await figure(s.page, 'Services by status per month');
    const expected = Number((await ctx.db.pool.query(`SELECT count(*) FROM service WHERE practitioner_id = $1 AND service_date >= date_trunc('month', now()) - interval '11 months'`, [me])).rows[0].count);
    expect(await tableTotal(card)).toBe(expected);
    expect(await s.page.getByRole('heading', { name: 'Billing', level: 2 }).count()).toBe(0);
    await s.close();
  }, 300_000);
});

describe('search across tables (Chromium)', () => {
  it('opens with Ctrl-K, moves with the arrows, opens a record with Enter, and closes with Esc', async () => {
    const claim = (await ctx.db.pool.query(`SELECT id, claim_number FROM claim ORDER BY id LIMIT 1 OFFSET 4`)).rows[0];
    const s = await signedIn('admin');
    const { page } = s;
    await page.keyboard.press('Control+k');
    const box = page.getByRole('combobox', { name: 'Search every table' });
    await box.waitFor();
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Escape');
    await box.waitFor({ state: 'detached' });
    // The app bar's button opens it too.
    await page.getByRole('button', { name: /^Search/ }).click();
    await box.fill(claim.claim_number);
    const option = page.getByRole('option', { name: claim.claim_number });
    await option.waitFor();
    expect(await page.getByRole('listbox').getByText('Claims').count()).toBe(1);
    expect(await option.getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`#/claim/${claim.id}/show$`));
    await page.getByRole('tab', { name: 'Details' }).waitFor();
    // Arrows move through the hits of several tables: a student found by name, and its claims.
    const student = (await ctx.db.pool.query(`SELECT id, ssid FROM student WHERE ssid IN (SELECT student_ssid FROM claim) ORDER BY id LIMIT 1`)).rows[0];
    await page.keyboard.press('Control+k');
    await box.fill(student.ssid);
    await page.getByRole('option').nth(1).waitFor();
    const options = page.getByRole('option');
    const order = await options.evaluateAll((els) => els.map((e) => e.textContent));
    await page.keyboard.press('ArrowDown');
    expect(await options.nth(1).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowUp');
    expect(await options.nth(0).getAttribute('aria-selected')).toBe('true');
    expect(order[0]).toContain(student.ssid);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`#/student/${student.id}/show$`));
    expect(s.errors).toEqual([]);
    await s.close();
  }, 300_000);
});

describe('exports people can read (Chromium)', () => {
  it('downloads the filtered list named after the resource and the day, headed by labels; raw on request', async () => {
    const s = await signedIn('admin');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/claim?filter=${encodeURIComponent(JSON.stringify({ status: 'Rejected' }))}`);
    await page.locator('table tbody tr').first().waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export', exact: true }).click()]);
    expect(download.suggestedFilename()).toBe(`claims-${today()}.csv`);
    const text = readFileSync((await download.path())!, 'utf8');
    const [header, ...rows] = text.trim().split('\n');
    expect(header.startsWith('ID,Claim number,Batch number,Status')).toBe(true);
    expect(header).toContain('Created by');
    const rejected = Number((await ctx.db.pool.query(`SELECT count(*) FROM claim WHERE status = 'Rejected'`)).rows[0].count);
    expect(rows.filter((r) => /^\d+,/.test(r)).length).toBe(rejected);
    await page.getByRole('button', { name: 'Export options' }).click();
    const [raw] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: /raw/ }).click()]);
    expect(raw.suggestedFilename()).toBe(`claims-${today()}.csv`);
    expect(readFileSync((await raw.path())!, 'utf8').split('\n')[0].startsWith('id,claim_number,batch_number,status')).toBe(true);
    expect(s.errors).toEqual([]);
    await s.close();
  }, 300_000);
});
