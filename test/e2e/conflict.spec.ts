import { describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { client, signIn } from '../support/server.js';
import { consoleForTests, signInAs } from './browser.js';

/**
 * Two people edit the same record in two browsers. The one who saves second gets the conflict with
 * both sides: the other's changes (who, when) beside their own unsaved values, field by field.
 */
const ctx = consoleForTests();

const one = async (sql: string, params: unknown[] = []) => (await ctx.db.pool.query(sql, params)).rows[0];
const valueOf = (page: Page, label: string) => page.getByLabel(label, { exact: true }).inputValue();
/** The form field's value once it has settled on `expected` (a reset arrives with an answer). */
async function settlesOn(page: Page, label: string, expected: string) {
  const input = page.getByLabel(label, { exact: true });
  await page.waitForFunction(([el, v]) => (el as HTMLInputElement).value === v, [await input.elementHandle(), expected] as const, { timeout: 10_000 }).catch(() => undefined);
  return input.inputValue();
}

describe('an optimistic-lock conflict shows both sides (two Chromium contexts)', () => {
  it('keeps the loser\'s typing, shows the winner\'s changes with who and when, and saves the chosen mix with the new version', async () => {
    const id = 30;
    const a = await signInAs(ctx.browser, ctx.app.url, 'admin');
    const b = await signInAs(ctx.browser, ctx.app.url, 'support');
    for (const s of [a, b]) {
      await s.page.goto(`${ctx.app.url}/#/student/${id}`);
      await s.page.getByRole('button', { name: 'Save' }).waitFor();
    }
    // A types into two fields; B, meanwhile, changes one of them and another, and saves first.
    await a.page.getByLabel('Comments', { exact: true }).fill('comments by A');
    await a.page.getByLabel('City', { exact: true }).fill('City of A');
    await b.page.getByLabel('Comments', { exact: true }).fill('comments by B');
    await b.page.getByLabel('School', { exact: true }).fill('School of B');
    await b.page.getByRole('button', { name: 'Save' }).click();
    await b.page.getByRole('tab', { name: 'Details' }).waitFor();
    expect((await one(`SELECT comments FROM student WHERE id = $1`, [id])).comments).toBe('comments by B');

    await a.page.getByRole('button', { name: 'Save' }).click();
    const panel = a.page.getByTestId('conflict');
    await panel.waitFor();
    // Nothing of A's was written.
    expect(await one(`SELECT comments, city, school FROM student WHERE id = $1`, [id])).toEqual({ comments: 'comments by B', city: expect.not.stringMatching('City of A'), school: 'School of B' });
    // The field both changed: theirs, by whom (from the history), and A's own value beside it.
    const api = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'admin'));
    const lastEvent = (await api('GET', `/student/${id}/history`)).body.find((e: { changes: { field: string }[] }) => e.changes.some((c) => c.field === 'comments'));
    const both = a.page.getByTestId('conflict-comments');
    await expect(both.innerText()).resolves.toContain('comments by B');
    await expect(both.innerText()).resolves.toContain('comments by A');
    await both.getByText(lastEvent.user_name).waitFor();
    // The field only B changed is B's, already in the form; A's own typing is all still there.
    await expect(a.page.getByTestId('conflict-school').innerText()).resolves.toContain('not changed by you');
    expect(await settlesOn(a.page, 'School', 'School of B')).toBe('School of B');
    expect(await valueOf(a.page, 'Comments')).toBe('comments by A');
    expect(await valueOf(a.page, 'City')).toBe('City of A');
    await a.shot('conflict-1-both-sides');

    // Reload fetches their latest version and still keeps the typing.
    await panel.getByRole('button', { name: 'Reload' }).click();
    await a.page.waitForLoadState('networkidle');
    expect(await valueOf(a.page, 'Comments')).toBe('comments by A');
    expect(await valueOf(a.page, 'City')).toBe('City of A');

    // Field by field: take theirs, change one's mind, keep mine.
    await both.getByRole('button', { name: 'Take theirs' }).click();
    expect(await settlesOn(a.page, 'Comments', 'comments by B')).toBe('comments by B');
    await both.getByRole('button', { name: 'Keep mine' }).click();
    expect(await settlesOn(a.page, 'Comments', 'comments by A')).toBe('comments by A');
    await a.page.getByRole('button', { name: 'Save' }).click();
    await a.page.getByRole('tab', { name: 'Details' }).waitFor();
    expect(await one(`SELECT comments, city, school FROM student WHERE id = $1`, [id])).toEqual({ comments: 'comments by A', city: 'City of A', school: 'School of B' });
    expect(a.errors.filter((e) => !/status of 409/.test(e))).toEqual([]);
    await a.close();
    await b.close();
  }, 120_000);

  it('a save after a conflict is checked against the version it loaded, not forced; taking theirs leaves nothing to save', async () => {
    const id = 31;
    const a = await signInAs(ctx.browser, ctx.app.url, 'admin');
    const { page } = a;
    await page.goto(`${ctx.app.url}/#/student/${id}`);
    await page.getByRole('button', { name: 'Save' }).waitFor();
    await page.getByLabel('Comments', { exact: true }).fill('mine, 1');
    const other = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'support'));
    expect((await other('PUT', `/student/${id}`, { comments: 'theirs, 1' })).status).toBe(200);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('conflict-comments').waitFor();
    // Someone saves again before A does: A's next save conflicts again (it named the version it saw).
    expect((await other('PUT', `/student/${id}`, { comments: 'theirs, 2' })).status).toBe(200);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('conflict-comments').getByText('theirs, 2').waitFor();
    expect((await one(`SELECT comments FROM student WHERE id = $1`, [id])).comments).toBe('theirs, 2');
    // Taking theirs leaves nothing to save; keeping mine saves it over the version now loaded.
    await page.getByTestId('conflict-comments').getByRole('button', { name: 'Take theirs' }).click();
    expect(await settlesOn(page, 'Comments', 'theirs, 2')).toBe('theirs, 2');
    await expect(page.getByRole('button', { name: 'Save' }).isDisabled()).resolves.toBe(true);
    await page.getByTestId('conflict-comments').getByRole('button', { name: 'Keep mine' }).click();
    expect(await settlesOn(page, 'Comments', 'mine, 1')).toBe('mine, 1');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('tab', { name: 'Details' }).waitFor();
    expect((await one(`SELECT comments FROM student WHERE id = $1`, [id])).comments).toBe('mine, 1');
    expect(a.errors.filter((e) => !/status of 409/.test(e))).toEqual([]);
    await a.close();
  }, 120_000);
});
