import { describe, expect, it } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { client, signIn, type DemoRole } from '../support/server.js';
import { ARTIFACTS, consoleForTests, signInAs } from './browser.js';

/**
 * "Once in four creates, the new claim's page stayed on Loading for more than 20 s until
 * reloaded." Many claims created in a row from the form, as an admin and as a district admin, with
 * the server kept busy by other callers and the permission matrix changing now and then (its new
 * version arrives on the create's own answer, so the console reloads its permissions while it
 * redirects): every new claim's page must show the claim, never stay on a loading screen.
 */
const ctx = consoleForTests();
const CREATES = 12;

/** Other callers keeping the server and database busy until `stop` is set. */
function backgroundLoad(api: ReturnType<typeof client>, stop: { done: boolean }) {
  const worker = async () => {
    for (let i = 0; !stop.done; i++) {
      await api('GET', `/claim?sort=${encodeURIComponent('["billed_amount","DESC"]')}&range=[${i % 50},${(i % 50) + 99}]&filter=${encodeURIComponent(JSON.stringify({ q: 'a' }))}`);
      await api('GET', `/student?range=[0,49]&filter=${encodeURIComponent(JSON.stringify({ q: String(i % 10) }))}`);
    }
  };
  return Promise.all([worker(), worker(), worker()]);
}

async function createMany(role: DemoRole) {
  const admin = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'admin'));
  const toggled = (await admin('GET', `/permission_item?filter=${encodeURIComponent(JSON.stringify({ name: 'saved_view.export' }))}`)).body[0];
  const s = await signInAs(ctx.browser, ctx.app.url, role);
  const { page } = s;
  const stop = { done: false };
  const load = backgroundLoad(admin, stop);
  const slow: string[] = [];
  const took: number[] = [];
  try {
    for (let i = 0; i < CREATES; i++) {
      const number = `STRESS-${role}-${i}`;
      // Every third create, the matrix changes (for a role not signed in here) just before the save.
      if (i % 3 === 1) expect((await admin('PUT', `/permission_item/${toggled.id}`, { supervisor: i % 2 === 0 })).status).toBe(200);
      await page.goto(`${ctx.app.url}/#/claim/create`);
      await page.getByRole('button', { name: 'Save' }).waitFor();
      await page.getByLabel(/^Claim number/).fill(number);
      if (role === 'districtAdmin') {
        await page.getByRole('combobox', { name: /^District/ }).click();
        await page.getByRole('option').filter({ hasText: /\S/ }).first().click();
      }
      const started = Date.now();
      await page.getByRole('button', { name: 'Save' }).click();
      // The new claim's own page, with its number: polled for, up to 15 s (the bug was over 20 s).
      const shown = await page
        .waitForFunction((n) => /\/show$/.test(location.hash) && document.title.startsWith(`Claim: ${n}`) && !!document.querySelector('[role="tab"]'), number, { timeout: 15_000 })
        .then(() => true, () => false);
      took.push(Date.now() - started);
      if (!shown) slow.push(`${number}: still "${(await page.locator('#main-content').innerText().catch(() => '')).slice(0, 80)}" at ${page.url()} after ${Date.now() - started} ms`);
    }
  } finally {
    stop.done = true;
    await load;
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path.join(ARTIFACTS, `create-stress-${role}.txt`), `save to the new claim's page, ms: ${took.join(' ')}\n`);
  const made = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM claim WHERE claim_number LIKE $1`, [`STRESS-${role}-%`]);
  expect(made.rows[0].n).toBe(CREATES);
  expect(slow).toEqual([]);
  expect(s.errors).toEqual([]);
  await s.close();
}

describe('creating many claims in a row, under load (Chromium)', () => {
  it.each(['admin', 'districtAdmin'] as DemoRole[])('as %s, every new claim\'s page shows it at once', (role) => createMany(role), 400_000);
});
