import { describe, expect, it } from '@jest/globals';
import { axeViolations, consoleForTests, signInAs } from './browser.js';

const ctx = consoleForTests();

const ROLES = ['practitioner', 'supervisor', 'district_admin', 'system_admin', 'support'];
const matrix = async () => (await ctx.db.pool.query(`SELECT name, ${ROLES.join(', ')} FROM permission_item ORDER BY name`)).rows;
const grant = async (name: string, role: string) => (await ctx.db.pool.query(`SELECT ${role} AS g FROM permission_item WHERE name = $1`, [name])).rows[0].g as boolean;

describe('the permission editor and linked records in the console (Chromium)', () => {
  it('an admin searches the matrix, toggles a cell, an action for every table shown and a table, previews who gains and loses what, saves with a reason, and undoes it', async () => {
    const before = await matrix();
    const s = await signInAs(ctx.browser, ctx.app.url, 'admin');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/permissions`);
    await page.getByTestId('category-Reference data').waitFor();
    // Tables by label and actions in words.
    await page.locator('tr[data-permission="fee_schedule_code.create"]').getByText('Create').waitFor();
    expect(await page.getByRole('cell', { name: 'Fee schedule codes' }).count()).toBeGreaterThan(0);

    await page.getByLabel('Search permissions').fill('fee schedule');
    await page.locator('tr[data-permission="claim.list"]').waitFor({ state: 'detached' });
    expect(await page.locator('tr[data-permission]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-permission')!.split('.')[0]))).toEqual(expect.arrayContaining(['fee_schedule_code']));
    expect(new Set(await page.locator('tr[data-permission]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-permission')!.split('.')[0])))).toEqual(new Set(['fee_schedule_code']));
    await page.getByRole('checkbox', { name: 'Fee schedule codes: Create for Supervisor', exact: true }).check();
    await page.getByRole('status').getByText('1 unsaved change').waitFor();
    // "This action for every table" acts on the tables the search shows: here, fee schedule codes' edit.
    await page.getByRole('checkbox', { name: 'Edit, on every table for Supervisor' }).check();
    await page.getByRole('status').getByText('2 unsaved changes').waitFor();
    // A cell toggled back is no change.
    await page.getByRole('checkbox', { name: /^Fee schedule codes: Create for Supervisor/ }).uncheck();
    await page.getByRole('status').getByText('1 unsaved change').waitFor();
    await page.getByRole('checkbox', { name: 'Fee schedule codes: Create for Supervisor', exact: true }).check();

    await page.getByLabel('Search permissions').fill('modifiers');
    // A table's own toggle: supervisors read modifiers (list, show, export), so this grants the rest.
    await page.getByRole('checkbox', { name: 'Everything on Modifiers for Supervisor' }).click();
    await page.getByLabel('Search permissions').fill('');
    await page.getByRole('checkbox', { name: 'Claims: Export to CSV for Supervisor', exact: true }).uncheck();
    const changed = await page.locator('td[data-changed]').count();
    expect(changed).toBeGreaterThanOrEqual(5);
    expect(await matrix()).toEqual(before); // toggling writes nothing

    await page.getByRole('button', { name: 'Review and save…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Review permission changes' });
    const supervisors = (await ctx.db.pool.query(`SELECT count(*)::int AS n FROM app_user WHERE status = 'Active' AND role = 'Supervisor'`)).rows[0].n;
    await dialog.getByTestId('matrix-preview-summary').getByText(`${changed} permission changes for 1 role, reaching ${supervisors} active ${supervisors === 1 ? 'user' : 'users'}`, { exact: false }).waitFor();
    const role = dialog.locator('section[data-role="supervisor"]');
    await role.getByText(`Supervisor (${supervisors} active`).waitFor();
    await role.getByRole('listitem').filter({ hasText: 'Fee schedule codes: Create' }).waitFor();
    await role.getByRole('listitem').filter({ hasText: 'Modifiers: Delete' }).waitFor();
    await role.getByText('Loses').waitFor();
    await role.getByRole('listitem').filter({ hasText: 'Claims: Export to CSV' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await s.shot('editors-1-matrix-preview');
    const save = dialog.getByRole('button', { name: 'Save change set' });
    expect(await save.isDisabled()).toBe(true); // no reason yet
    expect(await matrix()).toEqual(before); // the preview wrote nothing
    await dialog.getByLabel('Reason for this change').fill('supervisors keep the fee schedule');
    await save.click();
    await page.getByText(/^Saved as change set \d+/).waitFor();
    expect(await grant('fee_schedule_code.create', 'supervisor')).toBe(true);
    expect(await grant('fee_schedule_code.edit', 'supervisor')).toBe(true);
    expect(await grant('modifier.delete', 'supervisor')).toBe(true);
    expect(await grant('claim.export', 'supervisor')).toBe(false);
    const sets = (await ctx.db.pool.query(`SELECT DISTINCT txid, reason FROM audit_log WHERE table_name = 'permission_item' AND reason = 'supervisors keep the fee schedule'`)).rows;
    expect(sets).toHaveLength(1);
    await page.getByRole('status').getByText('No unsaved changes').waitFor();
    expect(await page.getByRole('checkbox', { name: 'Fee schedule codes: Create for Supervisor', exact: true }).isChecked()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Undo change set' }).click();
    await page.getByText(`Change set ${sets[0].txid} undone`).waitFor();
    expect(await matrix()).toEqual(before);
    await page.waitForFunction(() => !(document.querySelector('input[aria-label="Fee schedule codes: Create for Supervisor"]') as HTMLInputElement | null)?.checked);
    expect(s.errors).toEqual([]);
    await s.close();
  }, 180_000);

  it('an admin picks a fee code\'s practitioner types and modifiers inline, sets is_required and the context note, and saves one change set', async () => {
    const code = (await ctx.db.pool.query(
      `SELECT f.id FROM fee_schedule_code f WHERE (SELECT count(*) FROM fee_code_modifier m WHERE m.fee_schedule_code_id = f.id) <= (SELECT count(*) - 2 FROM modifier)
          AND (SELECT count(*) FROM fee_code_practitioner_type t WHERE t.fee_schedule_code_id = f.id) <= (SELECT count(*) - 1 FROM practitioner_type) ORDER BY f.id LIMIT 1`,
    )).rows[0].id as number;
    const modifiers = async () => (await ctx.db.pool.query(`SELECT m.code, l.is_required, l.context_note FROM fee_code_modifier l JOIN modifier m ON m.id = l.modifier_id WHERE l.fee_schedule_code_id = $1 ORDER BY l.id`, [code])).rows;
    const types = async () => (await ctx.db.pool.query(`SELECT t.code FROM fee_code_practitioner_type l JOIN practitioner_type t ON t.id = l.practitioner_type_id WHERE l.fee_schedule_code_id = $1 ORDER BY l.id`, [code])).rows.map((r) => r.code);
    const beforeModifiers = await modifiers();
    const beforeTypes = await types();
    const [m1, m2] = (await ctx.db.pool.query(`SELECT code, description FROM modifier WHERE code <> ALL($1) ORDER BY code LIMIT 2`, [beforeModifiers.map((m) => m.code)])).rows;
    const type = (await ctx.db.pool.query(`SELECT code, description FROM practitioner_type WHERE code <> ALL($1) ORDER BY code LIMIT 1`, [beforeTypes])).rows[0];

    const s = await signInAs(ctx.browser, ctx.app.url, 'admin');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/fee_schedule_code/${code}`);
    const panel = page.getByTestId('linked-records');
    await panel.waitFor();
    const modifierSection = panel.locator('section[data-link="fee_code_modifier"]');
    const picker = modifierSection.getByRole('combobox', { name: 'Modifiers: pick one or several' });
    // Several at once: the list stays open between picks.
    await picker.click();
    await picker.fill(m1.code);
    await page.getByRole('option', { name: `${m1.code} — ${m1.description}` }).click();
    await picker.fill(m2.code);
    await page.getByRole('option', { name: `${m2.code} — ${m2.description}` }).click();
    await page.keyboard.press('Escape');
    await modifierSection.getByRole('checkbox', { name: `Is required for ${m1.code} — ${m1.description}` }).check();
    await modifierSection.getByRole('textbox', { name: `Context note for ${m2.code} — ${m2.description}` }).fill('Group only');
    const typePicker = panel.locator('section[data-link="fee_code_practitioner_type"]').getByRole('combobox', { name: 'Practitioner types: pick one or several' });
    await typePicker.click();
    await typePicker.fill(type.code);
    await page.getByRole('option', { name: `${type.code} — ${type.description}` }).click();
    await page.keyboard.press('Escape');
    expect(await modifiers()).toEqual(beforeModifiers); // nothing saved yet
    expect(await axeViolations(page)).toEqual([]);
    await s.shot('editors-2-linked-records');

    // One Save for the fields and the links: one change set, which one undo reverts.
    await page.getByLabel('Notes', { exact: true }).fill('2026 modifier rules');
    const last = (await ctx.db.pool.query(`SELECT max(id) AS id FROM audit_log`)).rows[0].id;
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(new RegExp(`#/fee_schedule_code/${code}/show`));
    expect(await modifiers()).toEqual([...beforeModifiers, { code: m1.code, is_required: true, context_note: null }, { code: m2.code, is_required: false, context_note: 'Group only' }]);
    expect(await types()).toEqual([...beforeTypes, type.code]);
    const sets = (await ctx.db.pool.query(`SELECT txid, array_agg(DISTINCT table_name ORDER BY table_name) AS tables, count(*)::int AS n FROM audit_log WHERE id > $1 GROUP BY txid`, [last])).rows;
    expect(sets).toEqual([{ txid: expect.anything(), tables: ['fee_code_modifier', 'fee_code_practitioner_type', 'fee_schedule_code'], n: 4 }]);
    expect((await ctx.db.pool.query(`SELECT notes FROM fee_schedule_code WHERE id = $1`, [code])).rows[0].notes).toBe('2026 modifier rules');
    expect(s.errors).toEqual([]);
    await s.close();
  }, 180_000);
});
