import { describe, expect, it } from '@jest/globals';
import { consoleForTests, signInAs } from './browser.js';
import { DEMO } from '../support/server.js';

const ctx = consoleForTests();
const one = async (sql: string, params: unknown[] = []) => (await ctx.db.pool.query(sql, params)).rows[0];

describe('the Accessed by tab (Chromium)', () => {
  it("shows a supervisor who opened a student's record, when and how, as the practitioner's own reading was recorded", async () => {
    const practitioner = await one(`SELECT id, first_name, last_name FROM app_user WHERE email = $1`, [DEMO.practitioner]);
    const student = await one(`SELECT id, last_name FROM student WHERE practitioner_id = $1 ORDER BY id LIMIT 1`, [practitioner.id]);
    const name = `${practitioner.first_name} ${practitioner.last_name}`;

    // The practitioner opens the record in the console.
    const reader = await signInAs(ctx.browser, ctx.app.url, 'practitioner');
    await reader.page.goto(`${ctx.app.url}/#/student/${student.id}/show`);
    await reader.page.getByText(student.last_name).first().waitFor();
    // Access is recorded before the answer leaves the server: the row is there once the page shows.
    const shown = await one(
      `SELECT id, occurred_at FROM access_log WHERE user_id = $1 AND table_name = 'student' AND action = 'show' AND $2::bigint = ANY(record_ids) ORDER BY id DESC LIMIT 1`,
      [practitioner.id, student.id],
    );
    expect(shown).toBeDefined();
    // Practitioners do not hold the access log: no tab for them.
    expect(await reader.page.getByRole('tab', { name: 'Accessed by' }).count()).toBe(0);
    await reader.close();

    const s = await signInAs(ctx.browser, ctx.app.url, 'supervisor');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/student/${student.id}/show`);
    await page.getByRole('tab', { name: 'Accessed by' }).click();
    const panel = page.getByTestId('accessed-by');
    await panel.waitFor();
    const when = new Date(shown.occurred_at).toLocaleString('en-US', { timeZone: 'America/Los_Angeles' });
    const row = panel.getByTestId('access-row').filter({ hasText: name }).filter({ hasText: 'opened the record' }).filter({ hasText: when });
    await row.first().waitFor();
    await expect(row.first().getByText('show', { exact: true }).count()).resolves.toBe(1);
    // The supervisor's own opening of the page is recorded, and listed too.
    const supervisor = await one(`SELECT first_name, last_name FROM app_user WHERE email = $1`, [DEMO.supervisor]);
    await panel.getByTestId('access-row').filter({ hasText: `${supervisor.first_name} ${supervisor.last_name}` }).filter({ hasText: 'opened the record' }).first().waitFor();
    await s.shot('accessed-by-1-supervisor-sees-practitioner');
    expect(s.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    await s.close();
  }, 120_000);
});
