import { describe, expect, it } from '@jest/globals';
import { serverForTests } from '../support/server.js';

const ctx = serverForTests();

describe('health and readiness, for a load balancer', () => {
  it('/api/ready is 503 while a migration this build knows is not applied, then 200', async () => {
    const { rows } = await ctx.db.pool.query(`DELETE FROM mikro_orm_migrations WHERE id = (SELECT max(id) FROM mikro_orm_migrations) RETURNING *`);
    const pending = await fetch(`${ctx.app.url}/api/ready`);
    expect(pending.status).toBe(503);
    expect(pending.headers.get('retry-after')).toBe('5');
    expect(await pending.json()).toEqual({ status: 'not ready', db: 'up', migrations: 'pending', pending: [rows[0].name] });
    await ctx.db.pool.query(`INSERT INTO mikro_orm_migrations (id, name, executed_at) VALUES ($1, $2, $3)`, [rows[0].id, rows[0].name, rows[0].executed_at]);
    const ready = await fetch(`${ctx.app.url}/api/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', db: 'up', migrations: 'applied' });
  });

  it('/api/health answers liveness without a sign-in', async () => {
    const health = await fetch(`${ctx.app.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', db: 'up' });
  });
});
