import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { nodeTooOld } from '../../server/node-version.js';

/** Every entry point the project starts (`npm start`, the db:* scripts, the schema printer). */
const ENTRIES = ['dist/server/main.js', 'dist/server/cli/migrate.js', 'dist/server/cli/seed.js', 'dist/server/cli/migration-create.js', 'dist/server/cli/print-schema.js'];

/** The Node the shell would run outside npm (PATH without node_modules/.bin): on this project's machines, Node 20. */
function machineNode(): string | undefined {
  const PATH = (process.env.PATH ?? '').split(path.delimiter).filter((d) => !d.includes('node_modules')).join(path.delimiter);
  const found = spawnSync('sh', ['-c', 'command -v node'], { env: { PATH }, encoding: 'utf8' }).stdout.trim();
  return found || (existsSync('/usr/bin/node') ? '/usr/bin/node' : undefined);
}

function start(node: string, args: string[]) {
  // No DATABASE_URL and a DATA_DIR that must stay untouched: a guard that let the server through
  // would start PostgreSQL there.
  const dataDir = path.resolve('.data/node-version-test-never-created');
  const r = spawnSync(node, args, { env: { PATH: '/usr/bin:/bin', DATA_DIR: dataDir }, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, signal: r.signal, out: r.stdout + r.stderr, dataDirCreated: existsSync(dataDir) };
}

describe('started with a Node older than 22.17', () => {
  it('knows which versions can run it', () => {
    expect(nodeTooOld('20.20.2')).toMatch(/needs Node 22\.17 or newer; it was started with Node 20\.20\.2/);
    expect(nodeTooOld('22.16.0')).toBeDefined();
    expect(nodeTooOld('22.17.0')).toBeUndefined();
    expect(nodeTooOld('24.9.0')).toBeUndefined();
    expect(nodeTooOld('30.0.0')).toBeUndefined();
  });

  it.each(ENTRIES)('%s stops with a message naming the Node to use (a Node reporting 20.1.0)', (entry) => {
    // This Node (24) made to report an old version before the entry runs: the guard alone decides.
    const r = start(process.execPath, ['--import', 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"20.1.0"})', entry]);
    expect(r).toMatchObject({ status: 1, signal: null, dataDirCreated: false });
    expect(r.out).toContain('This server needs Node 22.17 or newer; it was started with Node 20.1.0');
    expect(r.out).toContain('Use Node 24');
    expect(r.out).not.toMatch(/mikro|Segmentation|at .*\.js:\d+/i);
  });

  it("the machine's own Node, where it is older, gets the same message instead of a crash", () => {
    const node = machineNode();
    const version = node ? execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim() : undefined;
    // On a machine whose only Node is new enough there is nothing old to start; the case above covers the guard.
    if (!node || !nodeTooOld(version)) return expect(version && nodeTooOld(version)).toBeFalsy();
    for (const entry of [ENTRIES[0], ENTRIES[1]]) {
      const r = start(node, [entry]);
      expect(r).toMatchObject({ status: 1, signal: null, dataDirCreated: false });
      expect(r.out).toContain(`it was started with Node ${version}`);
    }
  });
});
