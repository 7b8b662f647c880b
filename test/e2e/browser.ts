import { afterAll, beforeAll } from '@jest/globals';
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, statSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { App } from '../../server/app.js';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { DEMO, demoPassword, startServer, type DemoRole } from '../support/server.js';

const run = promisify(execFile);

export const ARTIFACTS = path.resolve('test-artifacts/e2e');

/** The Chromium that `@sparticuz/chromium` ships, unpacked once per machine user into the temp folder. */
const PACKAGED = '@sparticuz/chromium';

export interface FoundBrowser {
  executablePath: string;
  /** Where it came from: CHROMIUM_PATH, the system, or the npm package. */
  source: 'CHROMIUM_PATH' | 'system' | 'npm';
  args: string[];
  /** Extra environment the browser needs. */
  env: Record<string, string>;
}

/** A file this user can run: a path that exists but is not one (a device, a folder, no x bit) is no browser. */
function runnable(candidate: string): boolean {
  try {
    accessSync(candidate, constants.X_OK);
    return statSync(candidate).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string, PATH = ''): string | undefined {
  return PATH.split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, name)).find(runnable);
}

/**
 * Unpacks the packaged Chromium into `<tmp>/kcsos-chromium-<version>-<uid>`. The package inflates
 * into `os.tmpdir()` itself; it is run in a child process with TMPDIR set to a fresh staging folder,
 * so nothing lands loose in /tmp, and the staging folder is renamed into place only when complete:
 * two test runs unpacking at once never launch a half-written binary.
 */
async function unpackPackaged(): Promise<string> {
  const require = createRequire(import.meta.url);
  // The package exports no package.json: it sits one folder above the entry point.
  const entry = require.resolve(PACKAGED);
  const version = JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')).version as string;
  const target = path.join(tmpdir(), `kcsos-chromium-${version}-${process.getuid?.() ?? 'user'}`);
  const binary = path.join(target, 'chromium');
  if (existsSync(path.join(target, '.complete'))) return binary;
  const staging = mkdtempSync(path.join(tmpdir(), 'kcsos-chromium-staging-'));
  try {
    const script = `import('${PACKAGED}').then((m) => m.default.executablePath()).then((p) => process.stdout.write(p))`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, TMPDIR: staging },
      cwd: process.cwd(),
    });
    if (path.dirname(stdout.trim()) !== staging) throw new Error(`${PACKAGED} unpacked outside its staging folder: ${stdout}`);
    // The package's fonts.conf names /tmp/fonts (its Lambda layout) and caches into /tmp/fonts-cache:
    // point both at the fonts it unpacked here instead, or pages render without any text.
    writeFileSync(
      path.join(staging, 'fonts', 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${path.join(target, 'fonts', 'fonts')}</dir>\n  <cachedir>${path.join(target, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
    );
    writeFileSync(path.join(staging, '.complete'), version);
    try {
      renameSync(staging, target);
    } catch (error) {
      // Another run finished first: its copy is complete, ours goes.
      if (!existsSync(path.join(target, '.complete'))) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return binary;
}

/**
 * The browser the tests drive, without asking anything of the machine: `CHROMIUM_PATH`, else the
 * system's Chromium (/usr/bin/chromium or `chromium` on PATH), else the one `@sparticuz/chromium`
 * ships in its npm package (playwright-core never downloads a browser of its own).
 */
export async function findBrowser(env: NodeJS.ProcessEnv = process.env, system = [SYSTEM_CHROMIUM, 'chromium', 'chromium-browser']): Promise<FoundBrowser> {
  const common = ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
  if (env.CHROMIUM_PATH) return { executablePath: env.CHROMIUM_PATH, source: 'CHROMIUM_PATH', args: ['--no-sandbox', ...common], env: {} };
  const installed = system.map((p) => (path.isAbsolute(p) ? p : onPath(p, env.PATH))).find((p) => p && runnable(p));
  if (installed) return { executablePath: installed, source: 'system', args: ['--no-sandbox', ...common], env: {} };
  const packaged = (await import(PACKAGED)).default as { args: string[] };
  // The package's flags for running without a sandbox or zygote, less the two that would switch
  // off the browser's own security checks the console must pass under (CORS, mixed content).
  // Its Lambda flags, less three: no web-security exceptions, and not --single-process (with it,
  // closing one browser context ends the whole browser, and the next test's page with it).
  const args = packaged.args.filter((a) => a !== '--disable-web-security' && a !== '--allow-running-insecure-content' && a !== '--single-process');
  const executablePath = await unpackPackaged();
  // Its fontconfig reads the fonts.conf written beside the fonts it ships.
  return { executablePath, source: 'npm', args: [...args, ...common], env: { FONTCONFIG_PATH: path.join(path.dirname(executablePath), 'fonts') } };
}

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/**
 * Starts the browser with its profile, HOME and caches in one temp folder that is removed when it
 * closes: nothing of a test run is left in the user's home or loose in /tmp.
 */
export async function launch(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const found = await findBrowser();
  const home = mkdtempSync(path.join(tmpdir(), 'kcsos-browser-'));
  const browser = await chromium
    .launch({
      executablePath: found.executablePath,
      headless: true,
      args: found.args,
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_CACHE_HOME: path.join(home, '.cache'), ...found.env },
    })
    .catch((error: unknown) => {
      rmSync(home, { recursive: true, force: true });
      throw error;
    });
  browser.on('disconnected', () => rmSync(home, { recursive: true, force: true }));
  return browser;
}

export interface Session {
  page: Page;
  errors: string[];
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** A fresh browser context signed in through the console's own sign-in page. */
export async function signInAs(browser: Browser, base: string, role: DemoRole, password?: string, viewport = { width: 1400, height: 900 }): Promise<Session> {
  const context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'America/Los_Angeles' });
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
      // The viewport only: a full-page capture shrinks the viewport to 1 x 1 px for a moment, which
      // redraws the page under test at phone width (a list's table becomes cards, and a bulk-edit
      // dialog opened from its toolbar closes with it).
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
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

/** WCAG 2.2 AA as axe-core tags it (2.0, 2.1 and 2.2, levels A and AA). */
const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
let axeSource: string | undefined;

/** The serious and critical WCAG 2.2 AA violations axe-core finds on the page as it is now. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated rather than added as a <script>: the console's CSP (script-src 'self') stays as served.
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const found = await page.evaluate(async (tags) => {
    const result = await (window as unknown as { axe: { run(c: unknown, o: unknown): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}${v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : ''}`);
  }, WCAG_AA);
  return found;
}
