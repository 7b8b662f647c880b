import { describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { consoleForTests, signInAs } from './browser.js';

/** Choices from the caller's reach: pickers offer only what the caller may save. */
const ctx = consoleForTests();
const one = async (sql: string, params: unknown[] = []) => (await ctx.db.pool.query(sql, params)).rows[0];

async function offered(page: Page, label: string): Promise<string[]> {
  const box = page.getByRole('combobox', { name: label });
  await box.click();
  await page.getByRole('listbox').waitFor();
  await page.waitForLoadState('networkidle');
  const options = (await page.getByRole('option').allInnerTexts()).map((t) => t.trim());
  await box.press('Escape');
  return options;
}

describe('choices from the caller\'s reach (Chromium)', () => {
  it("a practitioner's Practitioner is themselves, shown and not offered as a choice of all users", async () => {
    const me = await one(`SELECT id, first_name, last_name FROM app_user WHERE email = 'practitioner@demo.kcsos.invalid'`);
    const s = await signInAs(ctx.browser, ctx.app.url, 'practitioner');
    const users: string[] = [];
    s.page.on('request', (r) => /\/api\/app_user/.test(r.url()) && users.push(decodeURIComponent(r.url())));
    await s.page.goto(`${ctx.app.url}/#/student/create`);
    await s.page.getByRole('button', { name: 'Save' }).waitFor();
    const picker = s.page.getByRole('combobox', { name: 'Practitioner' });
    await s.page.getByText('The only value you may save here').waitFor();
    const name = `${me.first_name} ${me.last_name}`;
    for (let i = 0; i < 50 && (await picker.inputValue()) !== name; i++) await s.page.waitForTimeout(100);
    expect(await picker.inputValue()).toBe(name);
    expect(await picker.isDisabled()).toBe(true);
    // Whatever the picker asks for is limited to them.
    expect(users.length).toBeGreaterThan(0);
    for (const u of users) expect(u).toContain(`"id":[${me.id}]`);
    await s.close();
  }, 60_000);

  it('inactive users and the system account are not offered as assignees', async () => {
    const inactive = await one(`UPDATE app_user SET status = 'Inactive' WHERE id = (SELECT id FROM app_user WHERE role = 'Practitioner' AND email <> 'practitioner@demo.kcsos.invalid' ORDER BY id LIMIT 1) RETURNING first_name, last_name`);
    const active = (await ctx.db.pool.query(`SELECT first_name || ' ' || last_name AS name FROM app_user WHERE status = 'Active' AND email <> 'system@kcsos.invalid'`)).rows.map((r) => r.name);
    const s = await signInAs(ctx.browser, ctx.app.url, 'admin');
    await s.page.goto(`${ctx.app.url}/#/student/create`);
    await s.page.getByRole('button', { name: 'Save' }).waitFor();
    const names = await offered(s.page, 'Practitioner');
    expect(names.length).toBeGreaterThan(3);
    expect(names).not.toContain(`${inactive.first_name} ${inactive.last_name}`);
    expect(names).not.toContain('System Account');
    for (const n of names) expect(active).toContain(n);
    await s.close();
  }, 60_000);

  it("a district admin's new claim offers their districts as a select, filled from the chosen student", async () => {
    const admin = await one(`SELECT districts FROM app_user WHERE email = 'district.admin@demo.kcsos.invalid'`);
    expect(admin.districts).toHaveLength(2);
    const student = await one(`SELECT ssid, last_name, first_name, district FROM student WHERE district = $1 ORDER BY id LIMIT 1`, [admin.districts[1]]);
    const s = await signInAs(ctx.browser, ctx.app.url, 'districtAdmin');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/claim/create`);
    await page.getByRole('button', { name: 'Save' }).waitFor();
    const district = page.getByRole('combobox', { name: /^District/ });
    await district.click();
    expect((await page.getByRole('option').allInnerTexts()).map((t) => t.trim()).filter((t) => t !== '')).toEqual(admin.districts);
    await page.keyboard.press('Escape');
    const studentBox = page.getByRole('combobox', { name: /^Student SSID/ });
    await studentBox.click();
    await studentBox.pressSequentially(student.ssid, { delay: 30 });
    await page.getByRole('option', { name: new RegExp(student.ssid) }).click();
    await page.waitForFunction((d) => [...document.querySelectorAll('[role="combobox"]')].some((e) => e.textContent?.trim() === d), student.district);
    await s.shot('choices-1-district-from-student');
    await s.close();
  }, 60_000);
});
