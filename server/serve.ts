import 'reflect-metadata';
import { loadConfig } from './config/config.js';
import { migrateAt, openDatabase, startupExclusively } from './db/database.js';
import { createApp } from './app.js';
import { demoSignIns, seedIfEmpty } from './seed/seed.js';

/**
 * `npm start` (entered through main.ts, which checks the Node version first): the embedded
 * PostgreSQL (unless DATABASE_URL is set), migrations, the demo seed on first run, then the API. SIGINT/SIGTERM stop the server and then PostgreSQL, so no postgres
 * process outlives us and the next start finds the same data.
 */
const config = loadConfig();
const db = await openDatabase(config, { log: () => undefined, limits: config.db });
let stopping = false;
async function stop(signal: string, app?: { close(): Promise<void> }) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  // A request that never finishes must not keep PostgreSQL running: after 10 s, stop regardless.
  const force = setTimeout(() => {
    console.error('shutdown is taking too long: closing the database anyway');
    void db.close().finally(() => process.exit(1));
  }, 10_000);
  await app?.close().catch(() => undefined);
  await db.close();
  clearTimeout(force);
  process.exit(0);
}
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
try {
  await migrateAt(db.url);
  // Replicas started together on an empty database: the first seeds, the others then find it seeded.
  const seeded = await startupExclusively(db, () => seedIfEmpty(db));
  if (seeded) console.log(seeded);
  const app = await createApp(db, config);
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.once('SIGINT', () => void stop('SIGINT', app));
  process.once('SIGTERM', () => void stop('SIGTERM', app));
  const demo = await demoSignIns(db);
  console.log(`KCSOS admin listening on ${app.url} (API at ${app.url}/api, docs at ${app.url}/api/docs)`);
  if (demo.length) {
    console.log('Demo sign-ins (synthetic demo database):');
    console.log(demo.map((d) => `  ${d.role.padEnd(15)} ${d.email.padEnd(36)} ${d.password}`).join('\n'));
  }
} catch (error) {
  console.error(error);
  await db.close();
  process.exit(1);
}
