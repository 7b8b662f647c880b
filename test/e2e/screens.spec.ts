import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import type { App } from '../../server/app.js';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { client, signIn, startServer } from '../support/server.js';
import { launch, signInAs, type Session } from './browser.js';

/** Every resource's list, show, edit and create screen renders for a system admin, with no console errors. */
let db: TestDatabase;
let app: App;
let browser: Browser;
let session: Session;
let resources: { name: string; label: string; actions: string[] }[];

beforeAll(async () => {
  db = await testDatabase();
  app = await startServer(db);
  browser = await launch();
  const admin = client(`${app.url}/api`, await signIn(app.url, 'admin'));
  resources = (await admin('GET', '/meta')).body.resources;
  session = await signInAs(browser, app.url, 'admin');
}, 60_000);
afterAll(async () => {
  await session?.close();
  await browser?.close();
  await app?.close();
  await db?.drop();
});

describe('every screen renders', () => {
  it('covers all 21 resources and saved views', () => expect(resources).toHaveLength(22));

  it.each(['list', 'show', 'edit', 'create'])('%s screens of every resource', async (screen) => {
    const { page } = session;
    const problems: string[] = [];
    for (const r of resources) {
      if (screen !== 'list' && !r.actions.includes(screen)) continue;
      const first = (await db.pool.query(`SELECT id FROM ${r.name} ORDER BY id LIMIT 1`)).rows[0];
      if (screen !== 'list' && screen !== 'create' && !first) continue;
      const path = { list: `#/${r.name}`, show: `#/${r.name}/${first?.id}/show`, edit: `#/${r.name}/${first?.id}`, create: `#/${r.name}/create` }[screen];
      const before = session.errors.length;
      await page.goto(`${app.url}/${path}`);
      const ready = {
        list: page.locator('table tbody tr, .RaList-noResults, .RaEmpty-message').first(),
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
