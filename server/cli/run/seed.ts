import 'reflect-metadata';
import { loadConfig } from '../../config/config.js';
import { migrate, openDatabase } from '../../db/database.js';
import { DEFAULT_SCALE, seed } from '../../seed/seed.js';
import { flag } from '../args.js';

const scale = Number(flag('scale') ?? DEFAULT_SCALE);
if (!Number.isSafeInteger(scale) || scale < 0) {
  console.error('--scale takes a whole number of claims, e.g. --scale 1000000');
  process.exit(2);
}
const db = await openDatabase(loadConfig());
try {
  await migrate(db);
  const report = await seed(db, { scale, log: console.log });
  console.log(`seed: ${JSON.stringify(report.inserted)} in ${(report.ms / 1000).toFixed(1)} s`);
} finally {
  await db.close();
}
process.exit(0);
