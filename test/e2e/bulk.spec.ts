import { describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { consoleForTests, signInAs } from './browser.js';

const ctx = consoleForTests();


const table = async () => (await ctx.db.pool.query(`SELECT * FROM fee_schedule_code ORDER BY id`)).rows;
const content = (rows: Record<string, unknown>[]) => rows.map(({ updated_at: _a, updated_by: _b, ...rest }) => rest);
const csvFile = (lines: string[]) => ({ name: 'fee-schedule-2026.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });

describe('bulk work in the console (Chromium)', () => {
  it('an admin previews a fee schedule import (diffs, errors, nothing written), applies it, and undoes its change set in the audit trail', async () => {
    const h2027 = (await ctx.db.pool.query(`SELECT * FROM fee_schedule_code WHERE procedure_code = 'H2027'`)).rows[0];
    const year = h2027.effective_year;
    const header = 'procedure_code,service_description,service_category,Rate,effective_year';
    const good = [header, `H2027,${h2027.service_description},${h2027.service_category},33.75,${year}`, `ZZ777,Browser import pilot,Treatment,19.00,${year}`];
    const before = await table();
    const s = await signInAs(ctx.browser, ctx.app.url, 'admin');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/fee_schedule_code`);
    await page.getByRole('button', { name: 'Import' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('import-file').setInputFiles(csvFile([...good, `ZZ778,Bad row,Therapy,abc,${year}`]));
    await dialog.getByLabel('Update existing records by key').check();
    // The key starts as the resource's declared unique combination.
    await expect(dialog.getByRole('combobox', { name: 'Key fields' }).textContent()).resolves.toMatch(/Procedure code, Effective year/);
    await dialog.getByRole('button', { name: 'Preview' }).click();
    const preview = dialog.getByTestId('change-set-preview');
    await preview.getByText('3 rows: 1 to insert, 0 to update, 1 unchanged, 1 with errors').waitFor();
    // A preview made for another mode would mislead: switching mode takes it away until the next one.
    await dialog.getByLabel('Insert new records only').check();
    expect(await preview.count()).toBe(0);
    await dialog.getByLabel('Update existing records by key').check();
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await preview.getByText('3 rows: 1 to insert, 0 to update, 1 unchanged, 1 with errors').waitFor();
    // "Rate" matched no field by name: read it into the rate, and the preview runs again.
    await dialog.getByRole('combobox', { name: 'Column “Rate”' }).click();
    await page.getByRole('option', { name: 'Rate amount' }).click();
    await preview.getByText('3 rows: 1 to insert, 1 to update, 0 unchanged, 1 with errors').waitFor();
    const update = preview.locator('tr[data-action="update"]');
    await expect(update.locator('[data-diff-field="rate_amount"]').textContent()).resolves.toBe(`rate_amount: ${Number(h2027.rate_amount)} → 33.75`);
    const error = preview.locator('tr[data-action="error"]');
    await expect(error.locator('[data-error-field="service_category"]').textContent()).resolves.toMatch(/must be one of/);
    await expect(error.locator('[data-error-field="rate_amount"]').textContent()).resolves.toBe('rate_amount: must be a number');
    await expect(preview.locator('tr[data-action="insert"]').textContent()).resolves.toMatch(/ZZ777/);
    await s.shot('bulk-1-import-preview');
    expect(await table()).toEqual(before);
    const apply = dialog.getByRole('button', { name: 'Apply import' });
    await dialog.getByLabel('Reason for this import').fill('2026 rates');
    expect(await apply.isDisabled()).toBe(true); // a row has errors

    await dialog.getByTestId('import-file').setInputFiles(csvFile(good));
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await preview.getByText('2 rows: 1 to insert, 1 to update, 0 unchanged, 0 with errors').waitFor();
    await apply.click();
    await page.getByText(/Imported 1 new and 1 updated fee schedule codes \(change set \d+\)/).waitFor();
    const txid = Number((await ctx.db.pool.query(`SELECT txid FROM audit_log WHERE table_name = 'fee_schedule_code' AND reason = '2026 rates' LIMIT 1`)).rows[0].txid);
    expect((await ctx.db.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE txid = $1`, [txid])).rows[0].n).toBe(2);
    expect((await table()).length).toBe(before.length + 1);

    await page.goto(`${ctx.app.url}/#/audit_log?filter=${encodeURIComponent(JSON.stringify({ txid }))}`);
    await page.locator('table tbody tr').nth(1).waitFor();
    expect(await page.locator('table tbody tr').count()).toBe(2);
    await s.shot('bulk-2-change-set-in-audit-trail');
    // The change set's own page holds its one Undo, previewed before it is confirmed.
    await page.getByRole('link', { name: `Change set ${txid}` }).first().click();
    await page.getByTestId('change-set-event').nth(1).waitFor();
    await page.getByRole('button', { name: 'Undo change set' }).click();
    await page.getByRole('dialog').getByTestId('undo-change').nth(1).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: `Undo change set ${txid}` }).click();
    await page.getByText(`Undid change set ${txid} (2 events)`).waitFor();
    await s.shot('bulk-3-change-set-undone');
    expect(content(await table())).toEqual(content(before));
    expect(s.errors).toEqual([]);
    await s.close();
  }, 120_000);

  it('a supervisor saves a filtered claims view for support; support applies it and bulk-edits the selected rows as one change set', async () => {
    const sup = await signInAs(ctx.browser, ctx.app.url, 'supervisor');
    await sup.page.goto(`${ctx.app.url}/#/claim?filter=${encodeURIComponent(JSON.stringify({ status: 'Submitted' }))}`);
    await sup.page.getByRole('button', { name: 'Saved views' }).click();
    const aside = sup.page.getByTestId('saved-views');
    await aside.getByLabel('Save current view as').fill('Submitted claims');
    await aside.getByRole('combobox', { name: 'Visible to' }).click();
    await sup.page.getByRole('option', { name: 'Role: Support' }).click();
    await aside.getByRole('button', { name: 'Save view' }).click();
    await aside.getByText('shared with Support').waitFor();
    await sup.shot('bulk-4-saved-view');
    expect(sup.errors).toEqual([]);
    await sup.close();
    const view = (await ctx.db.pool.query(`SELECT filter, shared_with_role FROM saved_view WHERE name = 'Submitted claims'`)).rows[0];
    expect(view).toEqual({ filter: { status: 'Submitted' }, shared_with_role: 'Support' });

    const s = await signInAs(ctx.browser, ctx.app.url, 'support');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/claim`);
    await page.getByRole('button', { name: 'Saved views' }).click();
    await page.getByTestId('saved-views').getByText('Submitted claims').click();
    await page.waitForURL(/Submitted/);
    const rows = page.locator('table tbody tr');
    // The view's filter is applied: every row on the page is a submitted claim.
    await page.waitForFunction(() => {
      const cells = [...document.querySelectorAll('table tbody tr td.column-status')].map((td) => td.textContent);
      return cells.length > 3 && cells.every((t) => t === 'Submitted');
    });
    for (let i = 0; i < 3; i++) await rows.nth(i).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Bulk edit' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('combobox', { name: 'Field' }).click();
    await page.getByRole('option', { name: 'Status', exact: true }).click();
    await dialog.getByRole('combobox', { name: 'New value' }).click();
    await page.getByRole('option', { name: 'Rejected' }).click();
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await dialog.getByText('3 rows: 0 to insert, 3 to update, 0 unchanged, 0 with errors').waitFor();
    await expect(dialog.locator('[data-diff-field="status"]').first().textContent()).resolves.toBe('status: Submitted → Rejected');
    // Narrowed to phone width, the list swaps its table (and the selection toolbar the dialog was
    // opened from) for cards: the dialog and its preview stay, and so does the selection. (Found by
    // its text: the menu's drawer, opened over the page at this width, leaves it aria-hidden.)
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: 400, height: 800 });
    await page.locator('.record-cards').waitFor();
    const kept = page.locator('.MuiDialog-root', { hasText: 'Bulk edit claims' });
    await kept.getByText('3 rows: 0 to insert, 3 to update, 0 unchanged, 0 with errors').waitFor({ timeout: 5_000 });
    await page.setViewportSize(size);
    await rows.first().waitFor();
    await dialog.getByLabel('Reason for this change').fill('payer rejected these');
    await s.shot('bulk-5-bulk-edit-preview');
    await dialog.getByRole('button', { name: 'Apply to 3 rows' }).click();
    await page.getByText(/Updated 3 claims \(change set \d+\)/).waitFor();
    const sets = (await ctx.db.pool.query(`SELECT txid, count(*)::int AS n FROM audit_log WHERE reason = 'payer rejected these' GROUP BY txid`)).rows;
    expect(sets).toHaveLength(1);
    expect(sets[0].n).toBe(3);
    expect(s.errors).toEqual([]);
    await s.close();
  }, 120_000);

  it('an admin deletes three selected modifiers as one change set, undone as one from the audit trail', async () => {
    const s = await signInAs(ctx.browser, ctx.app.url, 'admin');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/modifier?sort=id&order=DESC`);
    const rows = page.locator('table tbody tr');
    await rows.nth(2).waitFor();
    const before = Number((await ctx.db.pool.query(`SELECT count(*) FROM modifier`)).rows[0].count);
    for (let i = 0; i < 3; i++) await rows.nth(i).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText(/3 modifiers deleted/i).waitFor();
    expect(Number((await ctx.db.pool.query(`SELECT count(*) FROM modifier`)).rows[0].count)).toBe(before - 3);
    const sets = (await ctx.db.pool.query(`SELECT DISTINCT txid FROM audit_log WHERE table_name = 'modifier' AND action = 'DELETE'`)).rows;
    expect(sets).toHaveLength(1);
    await page.goto(`${ctx.app.url}/#/change-sets/${sets[0].txid}`);
    await page.getByTestId('change-set-event').nth(2).waitFor();
    await page.getByRole('button', { name: 'Undo change set' }).click();
    await page.getByRole('dialog').getByRole('button', { name: `Undo change set ${sets[0].txid}` }).click();
    await page.getByText(new RegExp(`Undid change set ${sets[0].txid} \\(\\d+ events\\)`)).waitFor();
    expect(Number((await ctx.db.pool.query(`SELECT count(*) FROM modifier`)).rows[0].count)).toBe(before);
    expect(s.errors).toEqual([]);
    await s.close();
  }, 120_000);
});
