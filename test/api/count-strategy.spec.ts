import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { App } from '../../server/app.js';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { client, q, signIn, startServer } from '../support/server.js';

/** Exact totals below the threshold, the planner's estimate above it (here 100 rows, to test it small). */
let db: TestDatabase;
let app: App;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  db = await testDatabase();
  await db.pool.query('ANALYZE');
  app = await startServer(db, { EXACT_COUNT_BELOW: '100' });
  api = client(`${app.url}/api`, await signIn(app.url, 'admin'));
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const total = (res: { headers: Headers }) => Number(res.headers.get('content-range')!.split('/')[1]);

describe('count strategy', () => {
  it('answers the estimate, flagged approximate, for a big unfiltered list', async () => {
    const exact = Number((await db.pool.query(`SELECT count(*) FROM claim`)).rows[0].count);
    const res = await api('GET', `/claim?range=${q([0, 24])}`);
    expect(res.headers.get('x-total-approximate')).toBe('true');
    expect(Math.abs(total(res) - exact) / exact).toBeLessThan(0.2);
    expect(res.body).toHaveLength(25);
  });

  it('counts exactly when the filter matches few rows', async () => {
    const res = await api('GET', `/claim?filter=${q({ id: [1, 2, 3] })}`);
    expect(res.headers.get('x-total-approximate')).toBeNull();
    expect(total(res)).toBe(3);
  });

  it('counts exactly for a table below the threshold', async () => {
    const res = await api('GET', `/modifier?range=${q([0, 2])}`);
    expect(res.headers.get('x-total-approximate')).toBeNull();
    expect(total(res)).toBe(7);
  });

  it('keeps paging working with an estimated total', async () => {
    const page2 = await api('GET', `/claim?range=${q([25, 49])}&sort=${q(['id', 'ASC'])}`);
    expect(page2.headers.get('content-range')).toMatch(/^claim 25-49\/\d+$/);
    expect(page2.body[0].id).toBe(26);
  });
});
