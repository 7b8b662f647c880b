import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../server/db/embedded-postgres.js';
import { startCompiledServer } from './compiled-server.js';
import { TEST_JWT_SECRET } from './server.js';

/** `npm start`'s compiled server as its own OS process (what a replica is), on a given database. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM, waiting for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, no shutdown at all. */
  kill(): Promise<void>;
}

/** Starts it on a free port with a data folder of its own (removed when it ends). */
export async function startServerProcess(databaseUrl: string, env: Record<string, string> = {}, options: { nodeArgs?: string[] } = {}): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'kcsos-replica-'));
  const running = await startCompiledServer(
    { ...process.env, DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, JWT_SECRET: TEST_JWT_SECRET, ...env },
    options,
  ).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  const { child } = running;
  const exited = new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  };
  return { url: `http://127.0.0.1:${port}`, child, output: running.output, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}
