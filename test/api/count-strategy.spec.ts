import { describe, expect, it } from '@jest/globals';
import { q, serverForTests } from '../support/server.js';

/** Exact totals below the threshold, the planner's estimate above it (here 100 rows, to test it small). */
const ctx = serverForTests({ env: { EXACT_COUNT_BELOW: '100' }, analyze: true });

const total = (res: { headers: Headers }) => Number(res.headers.get('content-range')!.split('/')[1]);

describe('count strategy', () => {
  it('answers the estimate, flagged approximate, for a big unfiltered list', async () => {
    const exact = Number((await ctx.db.pool.query(`SELECT count(*) FROM claim`)).rows[0].count);
    const res = await ctx.api('GET', `/claim?range=${q([0, 24])}`);
    expect(res.headers.get('x-total-approximate')).toBe('true');
    expect(Math.abs(total(res) - exact) / exact).toBeLessThan(0.2);
    expect(res.body).toHaveLength(25);
  });

  it('counts exactly when the filter matches few rows', async () => {
    const res = await ctx.api('GET', `/claim?filter=${q({ id: [1, 2, 3] })}`);
    expect(res.headers.get('x-total-approximate')).toBeNull();
    expect(total(res)).toBe(3);
  });

  it('counts exactly for a table below the threshold', async () => {
    const res = await ctx.api('GET', `/modifier?range=${q([0, 2])}`);
    expect(res.headers.get('x-total-approximate')).toBeNull();
    expect(total(res)).toBe(7);
  });

  it('keeps paging working with an estimated total', async () => {
    const page2 = await ctx.api('GET', `/claim?range=${q([25, 49])}&sort=${q(['id', 'ASC'])}`);
    expect(page2.headers.get('content-range')).toMatch(/^claim 25-49\/\d+$/);
    expect(page2.body[0].id).toBe(26);
  });
});
