import { describe, expect, it } from '@jest/globals';
import { consoleForTests, signInAs } from './browser.js';
import { client, signIn } from '../support/server.js';

const ctx = consoleForTests();

const one = async (sql: string, params: unknown[] = []) => (await ctx.db.pool.query(sql, params)).rows[0];
/** The database's clock, in ms. */
const dbNow = async () => Number((await one(`SELECT extract(epoch FROM clock_timestamp()) * 1000 AS ms`)).ms);
/** What the browser's datetime-local input takes for an instant (the context runs in Los Angeles time). */
const losAngeles = (ms: number) => new Date(ms).toLocaleString('sv-SE', { timeZone: 'America/Los_Angeles' }).replace(' ', 'T');

/** A whole second after the previous write, and the next write only once the clock has passed it. */
async function secondBetweenWrites(): Promise<number> {
  const moment = Math.ceil((await dbNow()) / 1000) * 1000;
  for (let i = 0; i < 100 && (await dbNow()) <= moment; i++) await new Promise((r) => setTimeout(r, 50));
  return moment;
}

describe('time travel in the console (Chromium)', () => {
  it('an admin views a record and a list as of a moment, compares two versions side by side, and restores one with a preview and a reason', async () => {
    const api = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'admin'));
    const m = (await api('POST', '/modifier', { code: 'QT', description: 'as first written' })).body;
    const moment = await secondBetweenWrites();
    expect((await api('PUT', `/modifier/${m.id}`, { description: 'as changed later' })).status).toBe(200);
    const later = (await api('POST', '/modifier', { code: 'QU', description: 'created later' })).body;

    const s = await signInAs(ctx.browser, ctx.app.url, 'admin');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/modifier/${m.id}/show`);
    await page.getByText('as changed later').first().waitFor();
    await page.getByRole('button', { name: 'View as of…' }).click();
    await page.getByLabel('View as of').fill(losAngeles(moment));
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    const banner = page.getByTestId('as-of-banner');
    await banner.getByText(/a past state, read only/).waitFor();
    await page.getByText('as first written').first().waitFor();
    expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    await s.shot('time-travel-1-record-as-of');
    await banner.getByRole('button', { name: 'Back to now' }).click();
    await page.getByText('as changed later').first().waitFor();
    expect(await page.getByTestId('as-of-banner').count()).toBe(0);

    // The list as of the same moment: the old description, and the later record absent.
    await page.goto(`${ctx.app.url}/#/modifier?${new URLSearchParams({ filter: JSON.stringify({ code: ['QT', 'QU'] }) })}`);
    await page.getByText('created later').waitFor();
    await page.getByRole('button', { name: 'View as of…' }).click();
    await page.getByLabel('View as of').fill(losAngeles(moment));
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByTestId('as-of-banner').waitFor();
    await page.getByRole('cell', { name: 'as first written' }).waitFor();
    expect(await page.getByRole('cell', { name: 'created later' }).count()).toBe(0);
    expect(await page.getByRole('cell', { name: 'as changed later' }).count()).toBe(0);
    // The export and bulk actions work on the records as they are now: not offered on a past state.
    expect(await page.getByRole('button', { name: 'Export', exact: true }).count()).toBe(0);
    await s.shot('time-travel-2-list-as-of');
    await page.getByTestId('as-of-banner').getByRole('button', { name: 'Back to now' }).click();
    await page.getByRole('cell', { name: 'created later' }).waitFor();
    await page.getByRole('button', { name: 'Export', exact: true }).waitFor();

    // Versions: compare the first and the current side by side, then restore the first.
    await page.goto(`${ctx.app.url}/#/modifier/${m.id}/show/versions`);
    const versions = page.getByTestId('version');
    await versions.nth(1).waitFor();
    expect(await versions.count()).toBe(2);
    const insert = (await one(`SELECT id FROM audit_log WHERE table_name = 'modifier' AND record_pk = jsonb_build_object('id', $1::bigint) AND action = 'INSERT'`, [m.id])).id;
    await page.getByLabel(`Compare event #${insert}`).check();
    await page.getByLabel('Current state').check();
    const compare = page.getByTestId('version-compare');
    const row = compare.locator('tr[data-field="description"]');
    await expect(row.getAttribute('data-changed')).resolves.toBe('true');
    await expect(row.innerText()).resolves.toMatch(/as first written\s+as changed later/);
    await expect(compare.locator('tr[data-field="code"]').getAttribute('data-changed')).resolves.toBe('false');
    await s.shot('time-travel-3-compare');
    await versions.last().getByRole('button', { name: 'Restore this version' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('restore-preview').getByText('1 field would change.').waitFor();
    expect((await one(`SELECT description FROM modifier WHERE id = $1`, [m.id])).description).toBe('as changed later');
    const restore = dialog.getByRole('button', { name: 'Restore' });
    expect(await restore.isDisabled()).toBe(true); // no reason yet
    await dialog.getByLabel('Reason for this restore').fill('the later wording was wrong');
    await s.shot('time-travel-4-restore-preview');
    await restore.click();
    await page.getByText(`Restored the version of event #${insert}`).waitFor();
    expect((await one(`SELECT description FROM modifier WHERE id = $1`, [m.id])).description).toBe('as first written');
    const last = await one(`SELECT action, reason FROM audit_log WHERE table_name = 'modifier' AND record_pk = jsonb_build_object('id', $1::bigint) ORDER BY id DESC LIMIT 1`, [m.id]);
    expect(last).toEqual({ action: 'UPDATE', reason: expect.stringMatching(/the later wording was wrong$/) });
    expect(later.id).toBeGreaterThan(m.id);
    expect(s.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    await s.close();
  });

  it('every tab of a show page follows the moment, history links each event to its version, and the version shown is restored by its moment', async () => {
    const api = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'admin'));
    const sv = await one(`SELECT v.id, v.student_id FROM service v ORDER BY v.id LIMIT 1`);
    const student = sv.student_id;
    const put = async (path: string, body: Record<string, unknown>) => expect((await api('PUT', path, body)).status).toBe(200);
    await put(`/service/${sv.id}`, { duration_minutes: 907 });
    await put(`/student/${student}`, { comments: 'before the moment' });
    const moment = await secondBetweenWrites();
    await put(`/service/${sv.id}`, { duration_minutes: 933 });
    await put(`/student/${student}`, { comments: 'after the moment' });
    expect((await api('POST', '/file_metadata', { entity_table: 'student', entity_id: student, document_type: 'Other', file_name: 'attached-later.pdf' })).status).toBe(201);

    const s = await signInAs(ctx.browser, ctx.app.url, 'admin');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/student/${student}/show`);
    await page.getByText('after the moment').first().waitFor();
    await page.getByRole('button', { name: 'View as of…' }).click();
    await page.getByLabel('View as of').fill(losAngeles(moment));
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByTestId('as-of-banner').waitFor();
    await page.getByText('before the moment').first().waitFor();
    // Related lists as they stood: the service's old duration, not the later one.
    await page.getByRole('tab', { name: 'Related' }).click();
    await page.getByTestId('shows-as-of').getByText(/Related records as they stood as of/).waitFor();
    const services = page.getByTestId('related-service');
    await services.getByRole('cell', { name: '907', exact: true }).waitFor();
    expect(await services.getByRole('cell', { name: '933', exact: true }).count()).toBe(0);
    expect(await services.getByRole('link', { name: 'New' }).count()).toBe(0);
    await s.shot('time-travel-6-related-as-of');
    // Documents as attached then: the later one is absent, and nothing can be attached to a past state.
    await page.getByRole('tab', { name: 'Documents' }).click();
    await page.getByTestId('shows-as-of').getByText(/Documents attached/).waitFor();
    await page.getByTestId('documents').waitFor();
    expect(await page.getByText('attached-later.pdf').count()).toBe(0);
    expect(await page.getByTestId('document-dropzone').count()).toBe(0);
    // History is the whole trail, the events after the moment marked; Accessed by says it shows now.
    await page.getByRole('tab', { name: 'History' }).click();
    await page.getByTestId('history-as-of').waitFor();
    const events = page.getByTestId('history-event');
    await events.first().waitFor();
    await expect(events.first().getAttribute('data-after')).resolves.toBe('true');
    await events.first().getByText('after the moment shown').waitFor();
    await expect(events.nth(1).getAttribute('data-after')).resolves.toBeNull();
    await page.getByRole('tab', { name: 'Accessed by' }).click();
    await page.getByTestId('shows-now').getByText(/Every recorded read of this record, up to now: shown as it is now, not as of/).waitFor();
    await page.getByTestId('as-of-banner').getByRole('button', { name: 'Back to now' }).click();
    await page.getByRole('tab', { name: 'Related' }).click();
    await page.getByTestId('related-service').getByRole('cell', { name: '933', exact: true }).waitFor();
    await page.getByRole('tab', { name: 'Documents' }).click();
    await page.getByText('attached-later.pdf').waitFor();

    // History links each event to the version it produced: view it, or compare it with now.
    await page.getByRole('tab', { name: 'History' }).click();
    const earlier = page.getByTestId('history-event').nth(1);
    await earlier.getByText('before the moment').first().waitFor();
    await earlier.getByRole('button', { name: 'Compare with now' }).click();
    await page.waitForURL(/show\/versions\?compare=\d+/);
    const row = page.getByTestId('version-compare').locator('tr[data-field="comments"]');
    await expect(row.getAttribute('data-changed')).resolves.toBe('true');
    await expect(row.innerText()).resolves.toMatch(/before the moment\s+after the moment/);
    await s.shot('time-travel-7-history-compare-with-now');
    await page.getByRole('tab', { name: 'History' }).click();
    await page.getByTestId('history-event').nth(1).getByRole('button', { name: 'View this version' }).click();
    // On Details now (the History tab, whose diffs hold both texts, has gone).
    await page.waitForURL(new RegExp(`#/student/${student}/show$`));
    await page.getByTestId('history').waitFor({ state: 'detached' });
    await page.getByTestId('as-of-banner').waitFor();
    await page.getByText('before the moment').first().waitFor();
    // The current state's text goes once the version has loaded (polled: the CPU may be loaded).
    await page.getByText('after the moment').first().waitFor({ state: 'detached' });

    // Restore the version shown, by its moment: the preview, a required reason, one audited write.
    await page.getByRole('tab', { name: 'Versions' }).click();
    await page.getByTestId('versions-as-of').getByRole('button', { name: 'Restore the version shown' }).waitFor();
    await page.getByRole('button', { name: 'Restore this version' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/^Restore the version as of /).waitFor();
    await dialog.getByTestId('restore-preview').getByText('1 field would change.').waitFor();
    await dialog.getByTestId('restore-preview').getByText('before the moment').waitFor();
    const restore = dialog.getByRole('button', { name: 'Restore' });
    expect(await restore.isDisabled()).toBe(true);
    await dialog.getByLabel('Reason for this restore').fill('the later comment was on the wrong student');
    await s.shot('time-travel-8-restore-as-of-preview');
    await restore.click();
    await page.getByText(/Restored the version as of/).waitFor();
    expect((await one(`SELECT comments FROM student WHERE id = $1`, [student])).comments).toBe('before the moment');
    const last = await one(`SELECT action, reason FROM audit_log WHERE table_name = 'student' AND record_pk = jsonb_build_object('id', $1::bigint) ORDER BY id DESC LIMIT 1`, [student]);
    expect(last).toEqual({ action: 'UPDATE', reason: expect.stringMatching(/^Restore of the version as of .*: the later comment was on the wrong student$/) });
    // Back to now once restored.
    await page.getByRole('button', { name: 'View as of…' }).waitFor();
    expect(await page.getByTestId('as-of-banner').count()).toBe(0);
    expect(s.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    await s.close();
  }, 120_000);

  it("a claim opens its student as of the claim's service date, from the link the claim's entity declares", async () => {
    const api = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'admin'));
    const claim = await one(`SELECT c.id, s.id AS student, s.last_name FROM claim c JOIN student s ON s.ssid = c.student_ssid ORDER BY c.id LIMIT 1`);
    const today = (await one(`SELECT to_char(now(), 'YYYY-MM-DD') AS d`)).d;
    expect((await api('PUT', `/claim/${claim.id}`, { service_date: today })).status).toBe(200);
    const s = await signInAs(ctx.browser, ctx.app.url, 'admin');
    const { page } = s;
    await page.goto(`${ctx.app.url}/#/claim/${claim.id}/show`);
    const link = page.getByTestId('as-of-link-student');
    await link.getByText(`Student as of the service date (${today})`).waitFor();
    await page.getByTestId('as-of-link-fee_schedule_code').waitFor();
    await link.click();
    await page.waitForURL(new RegExp(`#/student/${claim.student}/show`));
    await page.getByTestId('as-of-banner').getByText(/Student as they stood at the end of/).waitFor();
    await page.getByText(claim.last_name).first().waitFor();
    await s.shot('time-travel-5-claim-student-as-of');
    await s.close();
  });
});
