import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { findBrowser, launch } from './browser.js';

/** What of the user's home a Chromium run would write to, if it were let. */
const HOME_TRACES = ['.config/chromium', '.cache/chromium', '.pki', '.local/share/applications'].map((p) => path.join(homedir(), p));

/** The processes whose environment names `home` as HOME (the launched browser and its children). */
function processesWithHome(home: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`HOME=${home}`)) found.push(Number(pid));
    } catch {
      /* gone, or not ours */
    }
  }
  return found;
}

async function until(condition: () => boolean, what: string) {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((r) => setTimeout(r, 100));
  if (!condition()) throw new Error(`still waiting for: ${what}`);
}

describe('the browser the tests drive', () => {
  it('is CHROMIUM_PATH when set, else an installed one, else the Chromium of the npm package', async () => {
    expect((await findBrowser({ CHROMIUM_PATH: '/opt/some/chrome' })).executablePath).toBe('/opt/some/chrome');
    const fake = process.execPath; // any executable stands for an installed browser
    expect(await findBrowser({ PATH: path.dirname(fake) }, [path.basename(fake)])).toMatchObject({ source: 'system', executablePath: fake });
    // A path that exists but cannot run (a device bound over it, a folder, a file without x bit) is passed over.
    for (const unrunnable of ['/dev/null', tmpdir(), path.join(import.meta.dirname, 'browser.ts')]) {
      expect((await findBrowser({ PATH: '' }, [unrunnable])).source).toBe('npm');
    }
    const packaged = await findBrowser({ PATH: '' }, []);
    expect(packaged.source).toBe('npm');
    expect(existsSync(packaged.executablePath)).toBe(true);
    expect(packaged.executablePath.startsWith(tmpdir() + path.sep)).toBe(true);
    expect(packaged.args).not.toContain('--disable-web-security');
  }, 120_000);

  it('launches, renders a page, and leaves no process, profile or home file behind once closed', async () => {
    const tracesBefore = HOME_TRACES.filter((p) => existsSync(p));
    const tmpBefore = new Set(readdirSync(tmpdir()));
    const browser = await launch();
    const home = readdirSync(tmpdir()).filter((n) => n.startsWith('kcsos-browser-') && !tmpBefore.has(n)).map((n) => path.join(tmpdir(), n));
    expect(home).toHaveLength(1);
    expect(processesWithHome(home[0]).length).toBeGreaterThan(0);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.setContent('<main><h1>Hello</h1><button>Go</button></main>');
    expect(await page.getByRole('heading').textContent()).toBe('Hello');
    // Text is drawn (the packaged browser finds the fonts it ships), so it takes room and is visible.
    expect((await page.getByRole('heading').boundingBox())?.height).toBeGreaterThan(10);
    expect(await page.getByRole('button', { name: 'Go' }).isVisible()).toBe(true);
    await browser.close();
    await until(() => processesWithHome(home[0]).length === 0, 'the browser processes to end');
    await until(() => !existsSync(home[0]), 'its temp HOME to be removed');
    // Playwright's profile and artifacts folders go with it; only the unpacked browser stays (reused).
    await until(() => readdirSync(tmpdir()).filter((n) => !tmpBefore.has(n) && !n.startsWith('kcsos-chromium-')).filter((n) => /playwright|chrom/i.test(n)).length === 0, 'no profile left in tmp');
    expect(HOME_TRACES.filter((p) => existsSync(p))).toEqual(tracesBefore);
  }, 120_000);
});
