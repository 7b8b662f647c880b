// Runs before any test file, outside Jest's module system: it uses the compiled server
// (`npm test` builds first). One PostgreSQL for the whole run: the embedded one in a temporary
// folder, or DATABASE_URL's server. A migrated, lightly seeded template database is built once;
// each test file copies it (see database.ts).
import 'reflect-metadata';
import { chmod, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../dist/server/db/embedded-postgres.js';
import { connect, migrate } from '../../dist/server/db/database.js';
import { seed } from '../../dist/server/seed/seed.js';

export const TEMPLATE = 'kcsos_template';
export const TEST_SCALE = 600;

export default async function globalSetup() {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kcsos-test-'));
    await chmod(dir, 0o755);
    const embedded = await startEmbeddedPostgres({ dataDir: dir, durable: false });
    adminUrl = embedded.url;
    globalThis.__EMBEDDED_PG__ = embedded;
    process.env.TEST_PG_DATA_DIR = dir;
  }
  process.env.TEST_ADMIN_URL = adminUrl;
  // The servers the tests start (in-process and child processes, which inherit this) ask the demo
  // users for no second factor: every file signs in with a password alone. test/api/auth-mfa.spec.ts
  // sets the default policy for its own server.
  process.env.MFA_REQUIRED_ROLES ??= 'none';
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = '/' + TEMPLATE;
  const db = await connect(url.toString());
  try {
    await migrate(db);
    await seed(db, { scale: TEST_SCALE });
  } finally {
    await db.close();
  }
}
