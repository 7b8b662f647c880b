import { describe, expect, it } from '@jest/globals';
import { client, DEMO, signIn } from '../support/server.js';
import { consoleForTests, signInAs } from './browser.js';

/**
 * The audit trail about records (issue 18, items 3 and 4): change sets with a page of their own and
 * one previewed Undo, diffs drawn by type, sorted and whole filters, a keyboard-reachable expand
 * control, and sign-ins kept apart as authentication events.
 */
const ctx = consoleForTests();
const one = async (sql: string, params: unknown[] = []) => (await ctx.db.pool.query(sql, params)).rows[0];
const local = (d: string) => new Date(`${d}T00:00:00Z`).toLocaleDateString('en-US', { timeZone: 'UTC' });
const money = (v: string | null) => (v === null ? 'not recorded' : new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(Number(v)));
const CLAIM = `SELECT billed_amount, modifiers, finalized_date::text AS finalized_date, medi_cal_eligible FROM claim WHERE id = $1`;

describe('the audit trail (Chromium)', () => {
  it('an admin reads a change set by its number: formatted diffs, the expand control by keyboard, its page, and one Undo with a preview', async () => {
    const admin = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'admin'));
    const { id } = await one(`SELECT id FROM claim ORDER BY id LIMIT 1`);
    await ctx.db.pool.query(`UPDATE claim SET medi_cal_eligible = NULL WHERE id = $1`, [id]);
    const claim = { id, ...(await one(CLAIM, [id])) };
    const fields = (await admin('GET', '/meta')).body.resources.find((r: { name: string }) => r.name === 'claim').fields as { name: string; label: string }[];
    const label = (name: string) => fields.find((f) => f.name === name)!.label;
    const edit = await admin('PUT', `/claim/${claim.id}`, { billed_amount: 1234.5, modifiers: ['95', 'HA'], finalized_date: '2026-11-30', medi_cal_eligible: true }, { 'x-change-reason': 'corrected from the paper form' });
    expect([edit.status, edit.body.message]).toEqual([200, undefined]);
    const event = await one(`SELECT id, txid FROM audit_log WHERE table_name = 'claim' AND reason = 'corrected from the paper form'`);
    const adminUser = await one(`SELECT first_name, last_name FROM app_user WHERE email = $1`, [DEMO.admin]);

    const s = await signInAs(ctx.browser, ctx.app.url, 'admin');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/audit_log?filter=${encodeURIComponent(JSON.stringify({ txid: Number(event.txid) }))}`);
    const row = page.locator('table tbody tr').first();
    await row.waitFor();
    // The expand control is a named button in the tab order: reached with Tab, opened with Enter.
    const expand = row.getByRole('button', { name: 'Show details' });
    expect(await expand.getAttribute('tabindex')).toBe('0');
    expect(await expand.getAttribute('aria-hidden')).toBeNull();
    await page.getByRole('combobox', { name: 'Action' }).focus();
    for (let i = 0; i < 40 && !(await expand.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    expect(await expand.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    const panel = page.locator('.RaDatagrid-expandedPanel').first();
    await panel.waitFor();
    expect(await page.getByRole('button', { name: 'Hide details', exact: true }).count()).toBe(1);

    // Values by type: money, chips for a list, the local date, yes / not recorded for a boolean.
    const cells = async (label: string) => (await panel.locator(`tr[data-field="${label}"] td`).allInnerTexts()).map((t) => t.trim().replace(/\s+/g, ' '));
    expect(await cells(label('billed_amount'))).toEqual([label('billed_amount'), money(claim.billed_amount), '$1,234.50']);
    expect((await cells(label('medi_cal_eligible'))).slice(1)).toEqual(['not recorded', 'Yes']);
    expect((await cells(label('finalized_date')))[2]).toBe(local('2026-11-30'));
    expect(await panel.locator(`tr[data-field="${label('modifiers')}"] td`).nth(2).locator('.MuiChip-root').allInnerTexts()).toEqual(['95', 'HA']);
    expect(await panel.textContent()).not.toMatch(/\["95","HA"\]|1234\.5\b/);
    await s.shot('audit-1-formatted-diff');

    // No Undo repeated on the rows: the change set number is a link to the set's own page.
    expect(await page.getByRole('button', { name: /Undo/ }).count()).toBe(0);
    // Clicked again if the page is still the list 5 s later: once, on a loaded machine, the click
    // left the list in place in a full test run (its cause not found; the list's own URL update may
    // have come after the click's).
    const toSet = new RegExp(`#/change-sets/${event.txid}$`);
    for (let attempt = 1; ; attempt++) {
      await row.getByRole('link', { name: `Change set ${event.txid}` }).click();
      const went = await page.waitForURL(toSet, { timeout: 5_000 }).then(() => true, () => false);
      if (went) break;
      if (attempt === 3) throw new Error(`the change set link did not open ${toSet} in 3 clicks (at ${page.url()})`);
    }
    const summary = page.getByTestId('change-set-summary');
    await summary.getByText(/corrected from the paper form/).waitFor();
    await summary.getByText(`${adminUser.first_name} ${adminUser.last_name}`).waitFor();
    expect(await page.getByTestId('change-set-event').count()).toBe(1);

    // The button appears once the undo preview answers. Once, in a full run on a loaded machine, it
    // did not within 15 s: a failure now says what the section showed instead (still checking, a
    // refusal, the problems), and keeps its own screenshot.
    const undoSection = page.getByTestId('change-set').locator('[data-testid="change-set-undo"], [role="alert"], .MuiTypography-body2:has-text("Checking whether")');
    const undoButton = page.getByRole('button', { name: 'Undo change set' });
    await undoButton.waitFor({ timeout: 30_000 }).catch(async (error: Error) => {
      await s.shot('audit-undo-missing');
      throw new Error(`${error.message}\nthe change set's undo section showed: ${JSON.stringify(await undoSection.allInnerTexts())}`);
    });
    // In one full run on a loaded machine the button, once shown, was re-rendered (detached from the
    // page) for the whole 15 s of a click's wait, cause not found: each try clicks the button as it
    // stands then, for up to 30 s in all, and the dialog must open.
    const dialog = page.getByRole('dialog');
    for (const until = Date.now() + 30_000; ; ) {
      const opened = await undoButton.click({ timeout: 3_000 }).then(() => dialog.waitFor({ timeout: 3_000 })).then(() => true, () => false);
      if (opened) break;
      if (Date.now() > until) throw new Error(`the Undo change set button could not be clicked to a dialog in 30 s; the undo section showed: ${JSON.stringify(await undoSection.allInnerTexts())}`);
    }
    const change = dialog.getByTestId('undo-change');
    await change.getByText(/set back/).waitFor();
    // The preview says what the undo sets back, formatted like the diff: now -> after the undo.
    expect((await change.locator(`tr[data-field="${label('billed_amount')}"] td`).allInnerTexts()).map((t) => t.trim())).toEqual([label('billed_amount'), '$1,234.50', money(claim.billed_amount)]);
    expect((await one(`SELECT billed_amount FROM claim WHERE id = $1`, [claim.id])).billed_amount).toBe('1234.50');
    await s.shot('audit-2-undo-preview');
    await dialog.getByRole('button', { name: `Undo change set ${event.txid}` }).click();
    await page.getByText(`Undid change set ${event.txid} (1 events)`).waitFor();
    const { id: _id, ...original } = claim;
    expect(await one(CLAIM, [claim.id])).toEqual(original);

    // Undone: the page says by which change set, and offers no active Undo.
    await page.reload();
    await page.getByTestId('change-set-undo').getByText(/Already undone, in/).waitFor();
    expect(await page.getByRole('button', { name: 'Undo change set' }).count()).toBe(0);
    await s.shot('audit-3-already-undone');
    expect(s.errors).toEqual([]);
    await s.close();
  }, 120_000);

  it('the Table and User filters are sorted by label and show whole names', async () => {
    const s = await signInAs(ctx.browser, ctx.app.url, 'supervisor');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/audit_log`);
    await page.getByLabel('Table').click();
    const tables = (await page.getByRole('option').allInnerTexts()).map((t) => t.trim()).filter((t) => t !== '' && t !== '\u200b');
    expect(tables.length).toBeGreaterThan(5);
    expect(tables).toEqual([...tables].sort((a, b) => a.localeCompare(b)));
    await page.keyboard.press('Escape');

    const longest = await one(`SELECT first_name || ' ' || last_name AS name FROM app_user WHERE email <> 'system@kcsos.invalid' ORDER BY length(first_name || ' ' || last_name) DESC LIMIT 1`);
    const user = page.getByRole('combobox', { name: 'User' });
    await user.click();
    await page.getByRole('option').nth(1).waitFor();
    const names = (await page.getByRole('option').allInnerTexts()).map((t) => t.trim());
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })));
    await user.fill(longest.name.split(' ')[0]);
    const option = page.getByRole('option', { name: longest.name });
    await option.waitFor();
    // The whole name is drawn: neither the option nor the chosen value is cut off.
    expect(await option.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await option.click();
    await page.waitForURL(/user_id/);
    expect(await user.inputValue()).toBe(longest.name);
    expect(await user.evaluate((el: HTMLInputElement) => el.scrollWidth <= el.clientWidth)).toBe(true);
    expect(s.errors).toEqual([]);
    await s.close();
  }, 120_000);

  it('support sees in the preview which permission an undo needs, and is not offered it', async () => {
    const admin = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'admin'));
    const created = (await admin('POST', '/modifier', { code: 'UP', description: 'undo preview' })).body;
    const s = await signInAs(ctx.browser, ctx.app.url, 'support');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/modifier/${created.id}/show/history`);
    await page.getByTestId('history-event').first().waitFor();
    const undo = page.getByTestId('history-event').first().getByRole('button', { name: 'Undo' });
    // Support may not delete modifiers: the history offers no Undo for the creation at all...
    expect(await undo.count()).toBe(0);
    // ...and the change set's page says why.
    const txid = (await one(`SELECT txid FROM audit_log WHERE table_name = 'modifier' AND record_pk = jsonb_build_object('id', $1::int)`, [created.id])).txid;
    await page.goto(`${ctx.app.url}/#/change-sets/${txid}`);
    await page.getByTestId('change-set-undo').getByText(/needs the modifier\.delete permission/).waitFor();
    expect(await page.getByRole('button', { name: 'Undo change set' }).count()).toBe(0);
    await s.shot('audit-4-permission-missing');
    expect(s.errors).toEqual([]);
    await s.close();
  }, 120_000);

  it('sign-ins are a list of their own beside the record changes, filterable by outcome', async () => {
    await fetch(`${ctx.app.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: DEMO.practitioner, password: 'not-the-password' }) });
    const s = await signInAs(ctx.browser, ctx.app.url, 'supervisor');
    const { page } = s;
    await page.getByRole('menuitem', { name: 'Audit trail' }).click();
    await page.getByRole('tab', { name: 'Sign-ins' }).click();
    await page.waitForURL(/#\/auth_event/);
    await page.locator('table tbody tr').first().waitFor();
    await page.goto(`${ctx.app.url}/#/auth_event?filter=${encodeURIComponent(JSON.stringify({ outcome: 'failure' }))}`);
    const failure = page.locator('table tbody tr').filter({ hasText: 'wrong password' }).first();
    await failure.waitFor();
    // The list drawn before the filter may still be on screen for a moment: wait for the filtered one.
    await page.waitForFunction(() => ![...document.querySelectorAll('table tbody tr')].some((r) => r.textContent?.includes('success')));
    expect(await page.locator('table tbody tr').filter({ hasText: 'success' }).count()).toBe(0);
    // The record changes hold no sign-in.
    await page.getByRole('tab', { name: 'Record changes' }).click();
    await page.locator('table tbody tr').first().waitFor();
    expect(await page.locator('table tbody tr').filter({ hasText: /^sign-in$/ }).count()).toBe(0);
    await s.shot('audit-5-sign-ins');
    expect(s.errors).toEqual([]);
    await s.close();
  }, 120_000);
});
