import { describe, expect, it } from '@jest/globals';
import { client, serverForTests, signIn } from '../support/server.js';

/**
 * A show of an access-logged record sends the session check, the read and its access record in one
 * statement once the session has been checked before (server/http/presumed-show.ts). The check is
 * as strict there as on its own: what changed since the previous request takes effect on this one.
 */
const ctx = serverForTests();

const lastAccessId = async () => Number((await ctx.db.pool.query(`SELECT coalesce(max(id), 0) AS id FROM access_log`)).rows[0].id);
const shownSince = async (id: number) =>
  (await ctx.db.pool.query(`SELECT table_name, action, record_ids FROM access_log WHERE id > $1 ORDER BY id`, [id])).rows.map((r) => [r.table_name, r.action, r.record_ids.map(Number)]);
const sessionOf = (auth: Record<string, string>) => JSON.parse(Buffer.from(auth.authorization.split('.')[1], 'base64url').toString()).sid as string;

describe('a show in one statement', () => {
  it('answers and records a show once, as the ordinary path does', async () => {
    const supervisor = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'supervisor'));
    const student = (await ctx.db.pool.query(`SELECT id, last_name FROM student ORDER BY id LIMIT 1`)).rows[0];
    const first = await supervisor('GET', `/student/${student.id}`);
    const before = await lastAccessId();
    const second = await supervisor('GET', `/student/${student.id}`);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(await shownSince(before)).toEqual([['student', 'show', [student.id]]]);
    expect((await supervisor('GET', '/student/99999999')).status).toBe(404);
    expect(await shownSince(before)).toEqual([['student', 'show', [student.id]]]);
  });

  it('refuses the next show of a session ended since (401), and records nothing', async () => {
    const auth = await signIn(ctx.app.url, 'supervisor');
    const supervisor = client(`${ctx.app.url}/api`, auth);
    expect((await supervisor('GET', '/student/1')).status).toBe(200);
    await ctx.db.pool.query(`UPDATE auth_session SET ended_at = now() WHERE id = $1`, [sessionOf(auth)]);
    const before = await lastAccessId();
    const refused = await supervisor('GET', '/student/1');
    expect(refused.status).toBe(401);
    expect(JSON.stringify(refused.body)).not.toMatch(/last_name/);
    expect(await shownSince(before)).toEqual([]);
  });

  it('answers the next show under the districts the user holds now, not those of the last request', async () => {
    const email = 'district.admin@demo.kcsos.invalid';
    const districts: string[] = (await ctx.db.pool.query(`SELECT districts FROM app_user WHERE email = $1`, [email])).rows[0].districts;
    const inside = (await ctx.db.pool.query(`SELECT id FROM student WHERE district = ANY($1) ORDER BY id LIMIT 1`, [districts])).rows[0].id;
    const outside = (await ctx.db.pool.query(`SELECT id, district FROM student WHERE NOT district = ANY($1) ORDER BY id LIMIT 1`, [districts])).rows[0];
    const districtAdmin = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'districtAdmin'));
    expect((await districtAdmin('GET', `/student/${inside}`)).status).toBe(200);
    expect((await districtAdmin('GET', `/student/${outside.id}`)).status).toBe(404);
    await ctx.db.pool.query(`UPDATE app_user SET districts = $2 WHERE email = $1`, [email, [outside.district]]);
    try {
      const before = await lastAccessId();
      expect((await districtAdmin('GET', `/student/${inside}`)).status).toBe(404);
      expect((await districtAdmin('GET', `/student/${outside.id}`)).status).toBe(200);
      expect(await shownSince(before)).toEqual([['student', 'show', [outside.id]]]);
    } finally {
      await ctx.db.pool.query(`UPDATE app_user SET districts = $2 WHERE email = $1`, [email, districts]);
    }
  });

  it('refuses the next show once the role no longer holds the permission (403), and records nothing', async () => {
    const supervisor = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'supervisor'));
    expect((await supervisor('GET', '/student/1')).status).toBe(200);
    await ctx.db.pool.query(`UPDATE permission_item SET supervisor = false WHERE name = 'student.show'`);
    try {
      const before = await lastAccessId();
      expect((await supervisor('GET', '/student/1')).status).toBe(403);
      expect(await shownSince(before)).toEqual([]);
    } finally {
      await ctx.db.pool.query(`UPDATE permission_item SET supervisor = true WHERE name = 'student.show'`);
    }
  });
});
