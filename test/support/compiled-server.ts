import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The compiled server as `npm start` runs it (`npm test` builds first). */
export const MAIN = path.resolve('dist/server/main.js');

export interface Running {
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
}

/**
 * Starts `dist/server/main.js` in a child process with `env` and resolves once its output satisfies
 * `ready` (by default: it listens). Rejects with the output if it exits or times out first.
 */
export async function startCompiledServer(
  env: NodeJS.ProcessEnv,
  options: { ready?: (output: string) => boolean; timeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<Running> {
  const ready = options.ready ?? ((out: string) => out.includes('listening on'));
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill('SIGTERM'); // what never became ready is not left running
      reject(new Error(`no start within ${timeoutMs / 1000} s:\n${out}`));
    }, timeoutMs);
    child.stdout!.on('data', () => {
      if (ready(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}:\n${out}`));
    });
  });
  return { child, output: () => out };
}
