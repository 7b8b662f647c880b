import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../server/db/embedded-postgres.js';
import { signIn } from '../support/server.js';
import { startCompiledServer, type Running } from '../support/compiled-server.js';

/** `npm start` as a user runs it (the compiled server), on an empty data folder. */
let dataDir: string;
const children: ChildProcess[] = [];

function postgresOf(dir: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', `postgres.*${dir}`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

async function start(port: number, pgPort: number): Promise<Running> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', EMBEDDED_PG_PORT: String(pgPort) };
  delete env.DATABASE_URL;
  const running = startCompiledServer(env, { ready: (out) => out.includes('listening on') && out.includes('Practitioner'), timeoutMs: 90_000 });
  return running.then((r) => {
    children.push(r.child);
    return r;
  });
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

afterAll(async () => {
  // Whatever happened above, stop what this test started: servers first, then any postgres left.
  for (const c of children) if (c.exitCode === null) await stop(c);
  if (dataDir) {
    for (const pid of postgresOf(dataDir)) process.kill(Number(pid), 'SIGINT');
    await new Promise((r) => setTimeout(r, 500));
    await rm(dataDir, { recursive: true, force: true });
  }
});

describe('npm start', () => {
  it('boots on an empty data folder, seeds, answers /api/health and /api/ready, stops with no postgres left, and restarts on the same data', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'kcsos-start-'));
    const [port, pgPort] = [await freePort(), await freePort()];
    const first = await start(port, pgPort);
    expect(first.output()).toMatch(/Seeded the demo database \(1000 students, 10000 claims\)/);
    expect(first.output()).toMatch(/Admin +admin@demo\.kcsos\.invalid +admin-demo-pass/);
    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', db: 'up' });
    const ready = await fetch(`http://127.0.0.1:${port}/api/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', db: 'up', migrations: 'applied' });
    expect(postgresOf(dataDir).length).toBeGreaterThan(0);
    expect(await stop(first.child)).toBe(0);
    expect(postgresOf(dataDir)).toEqual([]);

    const second = await start(port, pgPort);
    expect(second.output()).not.toMatch(/Seeded/);
    const students = await fetch(`http://127.0.0.1:${port}/api/student?range=[0,0]`, { headers: await signIn(`http://127.0.0.1:${port}`, 'admin') });
    expect(students.headers.get('content-range')).toBe('student 0-0/1000');
    expect(await stop(second.child)).toBe(0);
    expect(postgresOf(dataDir)).toEqual([]);
  }, 240_000);
});
