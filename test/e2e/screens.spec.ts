import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { client, signIn } from '../support/server.js';
import { consoleForTests, signInAs, type Session } from './browser.js';

/** Every resource's list, show, edit and create screen renders for a system admin, with no console errors. */
const ctx = consoleForTests();
let session: Session;
let resources: { name: string; label: string; actions: string[] }[];

beforeAll(async () => {
  const admin = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'admin'));
  resources = (await admin('GET', '/meta')).body.resources;
  session = await signInAs(ctx.browser, ctx.app.url, 'admin');
}, 60_000);
afterAll(async () => {
  await session?.close();
});

describe('every screen renders', () => {
  it('covers all 21 resources, saved views, the access log, the sign-ins and the write conflicts', () => expect(resources).toHaveLength(25));

  it.each(['list', 'show', 'edit', 'create'])('%s screens of every resource', async (screen) => {
    const { page } = session;
    const problems: string[] = [];
    for (const r of resources) {
      if (screen !== 'list' && !r.actions.includes(screen)) continue;
      const first = (await ctx.db.pool.query(`SELECT id FROM ${r.name} ORDER BY id LIMIT 1`)).rows[0];
      if (screen !== 'list' && screen !== 'create' && !first) continue;
      const path = { list: `#/${r.name}`, show: `#/${r.name}/${first?.id}/show`, edit: `#/${r.name}/${first?.id}`, create: `#/${r.name}/create` }[screen];
      const before = session.errors.length;
      await page.goto(`${ctx.app.url}/${path}`);
      const ready = {
        list: page.locator('table tbody tr, .RaEmpty-message').or(page.getByText(/^No .+ found/)).first(),
        show: page.getByRole('tab', { name: 'Details' }),
        edit: page.getByRole('button', { name: 'Save' }),
        create: page.getByRole('button', { name: 'Save' }),
      }[screen]!;
      try {
        await ready.waitFor({ timeout: 10_000 });
        await page.waitForLoadState('networkidle');
      } catch {
        problems.push(`${r.name} ${screen}: did not render`);
      }
      if (r.name === 'student' || r.name === 'claim') await session.shot(`admin-${screen}-${r.name}`);
      for (const e of session.errors.slice(before)) problems.push(`${r.name} ${screen}: ${e}`);
    }
    expect(problems).toEqual([]);
  }, 240_000);
});
