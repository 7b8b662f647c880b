import 'reflect-metadata';
import { loadConfig } from './config/config.js';
import { migrate, openDatabase } from './db/database.js';
import { createApp } from './app.js';
import { demoSignIns, seedIfEmpty } from './seed/seed.js';

/**
 * `npm start`: the embedded PostgreSQL (unless DATABASE_URL is set), migrations, the demo seed on
 * first run, then the API. SIGINT/SIGTERM stop the server and then PostgreSQL, so no postgres
 * process outlives us and the next start finds the same data.
 */
const config = loadConfig();
const db = await openDatabase(config, { log: () => undefined });
let stopping = false;
async function stop(signal: string, app?: { close(): Promise<void> }) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  await app?.close().catch(() => undefined);
  await db.close();
  process.exit(0);
}
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
try {
  await migrate(db);
  const seeded = await seedIfEmpty(db);
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
