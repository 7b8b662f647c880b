import { describe, expect, it } from '@jest/globals';
import { DEMO, client, demoPassword, signIn } from '../support/server.js';
import { consoleForTests, signInAs } from './browser.js';

const ctx = consoleForTests();

const one = async (sql: string, params: unknown[] = []) => (await ctx.db.pool.query(sql, params)).rows[0];

/** Waits (up to 10 s) for something the browser reports through an event handler. */
async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 50) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${condition}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether the API lets this email sign in with this password. */
const canSignIn = async (email: string, password: string) =>
  (await fetch(`${ctx.app.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })).status === 200;

describe('console fixes (Chromium)', () => {
  it('support staff, who may edit but not delete students and claims, are offered no Delete anywhere, a supervisor no permission checkbox; an admin is', async () => {
    const claim = await one(`SELECT id FROM claim ORDER BY id LIMIT 1`);
    const s = await signInAs(ctx.browser, ctx.app.url, 'support');
    const { page } = s;
    for (const path of ['student/1', 'student/1/show', `claim/${claim.id}`, `claim/${claim.id}/show`]) {
      await page.goto(`${ctx.app.url}/#/${path}`);
      await page.getByRole(path.endsWith('show') ? 'tab' : 'button', { name: path.endsWith('show') ? 'Details' : 'Save' }).waitFor();
      await page.waitForLoadState('networkidle'); // the access checks have answered, so the buttons are final
      expect([path, await page.getByRole('button', { name: 'Delete' }).count()]).toEqual([path, 0]);
    }
    // The edit toolbar still offers Save, and the show page Edit: only the delete affordance goes.
    await expect(page.getByRole('link', { name: 'Edit' }).count()).resolves.toBe(1);
    await page.goto(`${ctx.app.url}/#/student`);
    await page.locator('tbody tr input[type="checkbox"]').first().check();
    await page.getByRole('button', { name: 'Bulk edit' }).or(page.getByRole('button', { name: 'Edit' })).first().waitFor();
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await s.shot('fixes-1-support-no-delete');
    expect(s.errors).toEqual([]);
    await s.close();

    // A supervisor may read the permission matrix, not change it: its checkboxes are disabled.
    const supervisor = await signInAs(ctx.browser, ctx.app.url, 'supervisor');
    await supervisor.page.goto(`${ctx.app.url}/#/permissions`);
    const box = supervisor.page.getByRole('checkbox', { name: 'Students: Edit for Support', exact: true });
    await box.waitFor();
    await supervisor.page.waitForLoadState('networkidle');
    await expect(box.isDisabled()).resolves.toBe(true);
    expect(supervisor.errors).toEqual([]);
    await supervisor.close();

    const admin = await signInAs(ctx.browser, ctx.app.url, 'admin');
    await admin.page.goto(`${ctx.app.url}/#/permissions`);
    await expect(admin.page.getByRole('checkbox', { name: 'Students: Edit for Support', exact: true }).isDisabled()).resolves.toBe(false);
    await admin.page.goto(`${ctx.app.url}/#/student/1`);
    await admin.page.getByRole('button', { name: 'Delete' }).waitFor();
    await admin.page.goto(`${ctx.app.url}/#/student/1/show`);
    await admin.page.getByRole('button', { name: 'Delete' }).waitFor();
    expect(admin.errors).toEqual([]);
    await admin.close();
  }, 120_000);

  it('an admin sets a user\'s password (the server\'s weak-password reason shows on the field); a supervisor is not offered that', async () => {
    const user = await one(`SELECT id, first_name, last_name FROM app_user WHERE email = $1`, [DEMO.districtAdmin]);
    const s = await signInAs(ctx.browser, ctx.app.url, 'admin');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/app_user/${user.id}/show`);
    await page.getByRole('button', { name: 'Set password' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(`Set the password of ${user.first_name} ${user.last_name}`).waitFor();
    await dialog.getByRole('textbox', { name: 'New password', exact: true }).fill('short');
    await dialog.getByRole('textbox', { name: 'Repeat the new password' }).fill('short');
    await dialog.getByRole('button', { name: 'Set password' }).click();
    await dialog.getByText('The new password must be at least 10 characters').waitFor();
    await s.shot('fixes-2-weak-password');
    await dialog.getByRole('textbox', { name: 'New password', exact: true }).fill('a-new-district-pass');
    await dialog.getByRole('textbox', { name: 'Repeat the new password' }).fill('a-new-district-pass-typo');
    await dialog.getByRole('button', { name: 'Set password' }).click();
    await dialog.getByText('Does not match the new password').waitFor();
    expect(await canSignIn(DEMO.districtAdmin, demoPassword(DEMO.districtAdmin))).toBe(true);
    await dialog.getByRole('textbox', { name: 'Repeat the new password' }).fill('a-new-district-pass');
    await dialog.getByRole('button', { name: 'Set password' }).click();
    await page.getByText(`Password set for ${user.first_name} ${user.last_name}`).waitFor();
    await dialog.waitFor({ state: 'detached' });
    expect(await canSignIn(DEMO.districtAdmin, 'a-new-district-pass')).toBe(true);
    expect(await canSignIn(DEMO.districtAdmin, demoPassword(DEMO.districtAdmin))).toBe(false);
    // The edit page offers it too.
    await page.goto(`${ctx.app.url}/#/app_user/${user.id}`);
    await page.getByRole('button', { name: 'Set password' }).waitFor();
    expect(s.errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    await s.close();

    const supervisor = await signInAs(ctx.browser, ctx.app.url, 'supervisor');
    await supervisor.page.goto(`${ctx.app.url}/#/app_user/${user.id}/show`);
    await supervisor.page.getByRole('tab', { name: 'Details' }).waitFor();
    await supervisor.page.waitForLoadState('networkidle');
    expect(await supervisor.page.getByRole('button', { name: 'Set password' }).count()).toBe(0);
    await supervisor.close();
  }, 120_000);

  it('anyone changes their own password from the user menu: a wrong current password is said on its field, and the session carries on', async () => {
    const s = await signInAs(ctx.browser, ctx.app.url, 'supervisor');
    const { page } = s;
    const open = async () => {
      // The user menu's button is named by the name it shows ("Jane Doe · Supervisor").
      await page.locator('header').getByRole('button', { name: / · Supervisor$/ }).click();
      await page.getByRole('menuitem', { name: 'Change my password' }).click();
      return page.getByRole('dialog');
    };
    let dialog = await open();
    await dialog.getByRole('textbox', { name: 'Current password' }).fill('not-my-password');
    await dialog.getByRole('textbox', { name: 'New password', exact: true }).fill('supervisor-new-pass');
    await dialog.getByRole('textbox', { name: 'Repeat the new password' }).fill('supervisor-new-pass');
    await dialog.getByRole('button', { name: 'Set password' }).click();
    await dialog.getByText('The current password is wrong').waitFor();
    await s.shot('fixes-3-wrong-current-password');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    dialog = await open();
    await dialog.getByRole('textbox', { name: 'Current password' }).fill(demoPassword(DEMO.supervisor));
    await dialog.getByRole('textbox', { name: 'New password', exact: true }).fill('supervisor-new-pass');
    await dialog.getByRole('textbox', { name: 'Repeat the new password' }).fill('supervisor-new-pass');
    await dialog.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('Your password was changed').waitFor();
    expect(await canSignIn(DEMO.supervisor, 'supervisor-new-pass')).toBe(true);
    // The change ended the old session; the console now holds the fresh token, so work goes on.
    await page.getByRole('menuitem', { name: 'Students' }).click();
    await page.locator('table tbody tr').first().waitFor();
    expect(page.url()).toMatch(/#\/student/);
    expect(s.errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    await s.close();
  }, 120_000);

  it('leaving a form with unsaved changes asks first; staying keeps the typing', async () => {
    const s = await signInAs(ctx.browser, ctx.app.url, 'admin');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/student/5`);
    await page.getByLabel('Comments').fill('typed but not saved');
    // Every leave-this-form prompt is recorded and answered as `stay` says.
    const prompts: string[] = [];
    let stay = true;
    page.on('dialog', (d) => {
      prompts.push(d.message());
      void (stay ? d.dismiss() : d.accept());
    });
    await page.getByRole('menuitem', { name: 'Claims' }).click();
    await until(() => prompts.length === 1);
    expect(prompts[0]).toMatch(/changes weren't saved/);
    await page.waitForTimeout(500); // had the navigation gone ahead, it would have by now
    expect(page.url()).toMatch(/#\/student\/5$/);
    await expect(page.getByLabel('Comments').inputValue()).resolves.toBe('typed but not saved');
    stay = false;
    await page.getByRole('menuitem', { name: 'Claims' }).click();
    await page.waitForFunction(() => location.hash.startsWith('#/claim'));
    expect(prompts).toHaveLength(2);
    expect((await one(`SELECT comments FROM student WHERE id = 5`)).comments).not.toBe('typed but not saved');
    // A new record's form asks too.
    stay = true;
    await page.goto(`${ctx.app.url}/#/modifier/create`);
    await page.getByLabel('Description').first().fill('half typed');
    await page.getByRole('menuitem', { name: 'Students' }).click();
    await until(() => prompts.length === 3);
    await page.waitForTimeout(500);
    expect(page.url()).toMatch(/#\/modifier\/create$/);
    expect(s.errors).toEqual([]);
    await s.close();
  }, 120_000);

  it('notifications and the browser tab name the resource, and the sign-in asks for an email', async () => {
    const context = await ctx.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const login = await context.newPage();
    await login.goto(`${ctx.app.url}/`);
    await login.getByLabel('Email').first().waitFor();
    expect(await login.getByText('Username').count()).toBe(0);
    await context.close();

    const admin = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'admin'));
    const codes = ['T8881', 'T8882', 'T8883'];
    for (const code of codes) {
      const res = await admin('POST', '/fee_schedule_code', { procedure_code: code, service_description: 'to be deleted', service_category: 'Treatment' });
      expect(res.status).toBe(201);
    }
    const student = await one(`SELECT id, first_name, last_name FROM student WHERE id = 7`);
    const s = await signInAs(ctx.browser, ctx.app.url, 'admin');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/student/${student.id}/show`);
    await page.getByRole('tab', { name: 'Details' }).waitFor();
    await page.waitForFunction((t) => document.title.startsWith(t) && document.title.endsWith(' — KCSOS admin'), `Student: ${student.last_name}, ${student.first_name}`);
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Comments').fill('named notifications');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Student saved', { exact: true }).waitFor();
    await s.shot('fixes-5-named-notification');

    await page.goto(`${ctx.app.url}/#/modifier/create`);
    await page.getByLabel('Code *').fill('Q9');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Modifier created', { exact: true }).waitFor();

    await page.goto(`${ctx.app.url}/#/fee_schedule_code?filter=${encodeURIComponent(JSON.stringify({ q: 'T888' }))}`);
    await page.locator('tbody tr').nth(2).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(3);
    await page.waitForFunction(() => document.title === 'Fee schedule codes — KCSOS admin');
    await page.locator('thead input[type="checkbox"]').check();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('3 fee schedule codes deleted', { exact: true }).waitFor();
    expect((await one(`SELECT count(*)::int AS n FROM fee_schedule_code WHERE procedure_code LIKE 'T888%'`)).n).toBe(0);

    await page.goto(`${ctx.app.url}/#/student/999999/show`);
    await page.getByText('Student #999999 does not exist, or you may not see it').waitFor();
    expect(s.errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
    await s.close();
  }, 120_000);

  it('a modifier code the list does not know (older data) shows as a marked chip, and removing it lets the claim save', async () => {
    const claim = await one(`SELECT id, modifiers FROM claim ORDER BY id OFFSET 4 LIMIT 1`);
    const known = await one(`SELECT code FROM modifier WHERE code <> ALL($1::text[]) ORDER BY code LIMIT 1`, [claim.modifiers ?? []]);
    // Nothing can be typed in that the list does not know (no "Create"), so the unknown code is old data.
    await ctx.db.pool.query(`UPDATE claim SET modifiers = array_append(coalesce(modifiers, '{}'), 'HE') WHERE id = $1`, [claim.id]);
    const s = await signInAs(ctx.browser, ctx.app.url, 'admin');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/claim/${claim.id}`);
    await page.getByRole('button', { name: 'Save' }).waitFor();
    await page.waitForLoadState('networkidle'); // the modifier codes the chips offer
    const modifiers = page.getByRole('combobox', { name: 'Modifiers' });
    const chip = page.locator('.MuiChip-root').filter({ hasText: 'HE (unknown code)' });
    await chip.waitFor();
    await s.shot('fixes-6-unknown-modifier-chip');
    await chip.locator('.MuiChip-deleteIcon').click();
    await chip.waitFor({ state: 'detached' });
    // What was meant: a known code, picked from the list.
    await modifiers.click();
    await modifiers.pressSequentially(known.code, { delay: 50 });
    await page.getByRole('option', { name: known.code, exact: true }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Claim saved', { exact: true }).waitFor();
    expect((await one(`SELECT modifiers FROM claim WHERE id = $1`, [claim.id])).modifiers).toEqual([...(claim.modifiers ?? []), known.code]);
    expect(s.errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    await s.close();
  }, 120_000);
});
