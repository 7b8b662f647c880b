import { afterAll, beforeAll } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { App } from '../../server/app.js';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { DEMO, demoPassword, startServer, type DemoRole } from '../support/server.js';

/** Debian's Chromium, driven by playwright-core (it never downloads a browser of its own). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('test-artifacts/e2e');

export function launch(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface Session {
  page: Page;
  errors: string[];
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** A fresh browser context signed in through the console's own sign-in page. */
export async function signInAs(browser: Browser, base: string, role: DemoRole, password?: string): Promise<Session> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-US', timezoneId: 'America/Los_Angeles' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base + '/');
  await page.locator('input[name="username"]').fill(DEMO[role]);
  await page.locator('input[name="password"]').fill(password ?? demoPassword(DEMO[role]));
  await page.locator('button[type="submit"]').click();
  await page.getByText(/^Welcome/).waitFor();
  return {
    page,
    errors,
    shot: async (name) => {
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
    },
    close: () => context.close(),
  };
}

export interface ConsoleContext {
  db: TestDatabase;
  app: App;
  browser: Browser;
}

/**
 * The usual browser test setup: the file's own copy of the seeded database, the real server (with
 * `env`) serving the built console, and Chromium; all stopped after the file.
 */
export function consoleForTests(env: Record<string, string> = {}): ConsoleContext {
  const ctx = {} as ConsoleContext;
  beforeAll(async () => {
    ctx.db = await testDatabase();
    ctx.app = await startServer(ctx.db, env);
    ctx.browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.app?.close();
    await ctx.db?.drop();
  });
  return ctx;
}
