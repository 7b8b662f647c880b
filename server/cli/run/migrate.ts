import 'reflect-metadata';
import { loadConfig } from '../../config/config.js';
import { migrate, openDatabase } from '../../db/database.js';

const db = await openDatabase(loadConfig());
try {
  await migrate(db);
  const { rows } = await db.pool.query('SELECT name FROM mikro_orm_migrations ORDER BY id');
  console.log(`migrations applied: ${rows.map((r: { name: string }) => r.name).join(', ')}`);
} finally {
  await db.close();
}
process.exit(0);
