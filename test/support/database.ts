import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connect, type Database } from '../../server/db/database.js';
import type { OrmOptions } from '../../server/db/orm-config.js';

const TEMPLATE = 'kcsos_template';

export function databaseUrl(name: string): string {
  const u = new URL(process.env.TEST_ADMIN_URL!);
  u.pathname = '/' + name;
  return u.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env.TEST_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase extends Database {
  name: string;
  drop(): Promise<void>;
}

/**
 * A database of this test file's own: a copy of the migrated, seeded template (`empty: true` for a
 * blank one, to run migrations on). Dropped by `drop()`.
 */
export async function testDatabase(options: { empty?: boolean } & Omit<OrmOptions, 'url'> = {}): Promise<TestDatabase> {
  const name = 'test_' + randomBytes(5).toString('hex');
  await admin((c) => c.query(options.empty ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`));
  const db = await connect(databaseUrl(name), options);
  return Object.assign(db, {
    name,
    async drop() {
      await db.close();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  });
}
