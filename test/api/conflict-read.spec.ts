import { describe, expect, it } from '@jest/globals';
import { serverForTests } from '../support/server.js';

const ctx = serverForTests();
const lastAccess = async () => Number((await ctx.db.pool.query(`SELECT coalesce(max(id), 0) AS id FROM access_log`)).rows[0].id);
const accessesSince = async (id: number) => (await ctx.db.pool.query(`SELECT table_name, action, record_ids FROM access_log WHERE id > $1 ORDER BY id`, [id])).rows;

/** A save that names a version replaced since: 409, answered with the record as it stands. */
async function staleSave(resource: string, id: number, field: string) {
  const loaded = (await ctx.api('GET', `/${resource}/${id}`)).body;
  expect((await ctx.api('PUT', `/${resource}/${id}`, { ...loaded, [field]: 'first' })).status).toBe(200);
  const before = await lastAccess();
  const stale = await ctx.api('PUT', `/${resource}/${id}`, { ...loaded, [field]: 'second' });
  return { stale, accesses: await accessesSince(before) };
}

describe('a conflict answer is a read', () => {
  it('records the record it answers with, for an access-logged resource, as a show', async () => {
    const { stale, accesses } = await staleSave('student', 3, 'comments');
    expect(stale.status).toBe(409);
    expect(stale.body.current?.comments).toBe('first');
    expect(accesses.map((r) => [r.table_name, r.action, r.record_ids.map(Number)])).toEqual([['student', 'show', [3]]]);
  });

  it('records nothing for a resource whose reads are not logged', async () => {
    const modifier = (await ctx.db.pool.query(`SELECT id FROM modifier ORDER BY id LIMIT 1`)).rows[0].id as number;
    const { stale, accesses } = await staleSave('modifier', modifier, 'notes');
    expect(stale.status).toBe(409);
    expect(accesses).toEqual([]);
  });

  it('is not answered when its read cannot be recorded (503), and the conflict itself still is', async () => {
    const loaded = (await ctx.api('GET', '/student/4')).body;
    expect((await ctx.api('PUT', '/student/4', { ...loaded, comments: 'first' })).status).toBe(200);
    const conflicts = Number((await ctx.db.pool.query(`SELECT count(*) FROM write_conflict`)).rows[0].count);
    await ctx.db.pool.query(`CREATE FUNCTION refuse_access_log() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`);
    await ctx.db.pool.query(`CREATE TRIGGER refuse BEFORE INSERT ON access_log FOR EACH ROW EXECUTE FUNCTION refuse_access_log()`);
    try {
      const stale = await ctx.api('PUT', '/student/4', { ...loaded, comments: 'second' });
      expect(stale.status).toBe(503);
      expect(JSON.stringify(stale.body)).not.toContain('first');
    } finally {
      await ctx.db.pool.query(`DROP TRIGGER refuse ON access_log`);
      await ctx.db.pool.query(`DROP FUNCTION refuse_access_log()`);
    }
    expect(Number((await ctx.db.pool.query(`SELECT count(*) FROM write_conflict`)).rows[0].count)).toBe(conflicts + 1);
  });
});
