import { describe, expect, it } from '@jest/globals';
import { client, serverForTests, signIn } from '../support/server.js';

/**
 * Reads made as the caller a session's last check found (server/http/presumed-read.ts): a show
 * sends its session check, the read and its access record in one statement; a list page is read
 * beside the request's own session check, which concurrent requests share
 * (server/db/shared-statements.ts). The check is as strict as ever: what changed since the
 * previous request takes effect on this one, and each request is answered by its own session's.
 */
const ctx = serverForTests();

const lastAccessId = async () => Number((await ctx.db.pool.query(`SELECT coalesce(max(id), 0) AS id FROM access_log`)).rows[0].id);
const shownSince = async (id: number) =>
  (await ctx.db.pool.query(`SELECT table_name, action, record_ids FROM access_log WHERE id > $1 ORDER BY id`, [id])).rows.map((r) => [r.table_name, r.action, r.record_ids.map(Number)]);
const filtersSince = async (id: number) => (await ctx.db.pool.query(`SELECT filter FROM access_log WHERE id > $1 ORDER BY id`, [id])).rows.map((r) => r.filter);
const q = (v: unknown) => encodeURIComponent(JSON.stringify(v));
const sessionOf = (auth: Record<string, string>) => JSON.parse(Buffer.from(auth.authorization.split('.')[1], 'base64url').toString()).sid as string;

describe('a show in one statement (and a list page, where they are checked alike)', () => {
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

  // Shows and list pages alike (the list's check runs beside its read, the show's inside it).
  it.each([
    ['show', '/student/1'],
    ['list page', '/student'],
  ])('refuses the next %s of a session ended since (401), and records nothing', async (_read, path) => {
    const auth = await signIn(ctx.app.url, 'supervisor');
    const supervisor = client(`${ctx.app.url}/api`, auth);
    expect((await supervisor('GET', path)).status).toBe(200);
    await ctx.db.pool.query(`UPDATE auth_session SET ended_at = now() WHERE id = $1`, [sessionOf(auth)]);
    const before = await lastAccessId();
    const refused = await supervisor('GET', path);
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

  it.each([
    ['show', '/student/1', 'student.show'],
    ['list page', '/student', 'student.list'],
  ])('refuses the next %s once the role no longer holds the permission (403), and records nothing', async (_read, path, permission) => {
    const supervisor = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'supervisor'));
    expect((await supervisor('GET', path)).status).toBe(200);
    await ctx.db.pool.query(`UPDATE permission_item SET supervisor = false WHERE name = $1`, [permission]);
    try {
      const before = await lastAccessId();
      expect((await supervisor('GET', path)).status).toBe(403);
      expect(await shownSince(before)).toEqual([]);
    } finally {
      await ctx.db.pool.query(`UPDATE permission_item SET supervisor = true WHERE name = $1`, [permission]);
    }
  });
});

describe('a list page beside its session check', () => {
  const ids = (body: unknown) => (body as { id: number }[]).map((r) => r.id);

  it('answers a page, its total and its access record as the ordinary path does, in the page order', async () => {
    const supervisor = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'supervisor'));
    const { district } = (await ctx.db.pool.query(`SELECT district FROM student GROUP BY district ORDER BY count(*) DESC LIMIT 1`)).rows[0];
    const path = `/student?filter=${q({ district })}&sort=${q(['last_name', 'DESC'])}&range=${q([2, 6])}`;
    const first = await supervisor('GET', path);
    const before = await lastAccessId();
    const second = await supervisor('GET', path);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('content-range')).toBe(first.headers.get('content-range'));
    const oracle = (await ctx.db.pool.query(`SELECT id FROM student WHERE district = $1 ORDER BY last_name DESC, id DESC LIMIT 5 OFFSET 2`, [district])).rows.map((r) => Number(r.id));
    expect(oracle).toHaveLength(5);
    expect(ids(second.body)).toEqual(oracle);
    expect(await shownSince(before)).toEqual([['student', 'list', oracle]]);
    expect(await filtersSince(before)).toEqual([{ district }]);
  });

  it('answers an empty page with its total and records nothing', async () => {
    const supervisor = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'supervisor'));
    expect((await supervisor('GET', '/student?range=[0,0]')).status).toBe(200);
    const before = await lastAccessId();
    const empty = await supervisor('GET', `/student?filter=${q({ last_name: 'No-such-name' })}`);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual([]);
    expect(empty.headers.get('content-range')).toMatch(/\/0$/);
    expect(await shownSince(before)).toEqual([]);
  });

  it('answers the next page under the districts the user holds now, and records what it answered', async () => {
    const email = 'district.admin@demo.kcsos.invalid';
    const districts: string[] = (await ctx.db.pool.query(`SELECT districts FROM app_user WHERE email = $1`, [email])).rows[0].districts;
    const other = (await ctx.db.pool.query(`SELECT district FROM student WHERE NOT district = ANY($1) ORDER BY id LIMIT 1`, [districts])).rows[0].district;
    const districtAdmin = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'districtAdmin'));
    const districtOf = async (body: unknown) => (await ctx.db.pool.query(`SELECT DISTINCT district FROM student WHERE id = ANY($1)`, [ids(body)])).rows.map((r) => r.district);
    const mine = await districtAdmin('GET', '/student?range=[0,24]');
    expect(mine.status).toBe(200);
    expect((await districtOf(mine.body)).every((d) => districts.includes(d))).toBe(true);
    await ctx.db.pool.query(`UPDATE app_user SET districts = $2 WHERE email = $1`, [email, [other]]);
    try {
      const before = await lastAccessId();
      const now = await districtAdmin('GET', '/student?range=[0,24]');
      expect(now.status).toBe(200);
      expect(ids(now.body).length).toBeGreaterThan(0);
      expect(await districtOf(now.body)).toEqual([other]);
      expect(await shownSince(before)).toEqual([['student', 'list', ids(now.body)]]);
    } finally {
      await ctx.db.pool.query(`UPDATE app_user SET districts = $2 WHERE email = $1`, [email, districts]);
    }
  });

  it('answers a bad filter with the ordinary 400, after the session is checked', async () => {
    const auth = await signIn(ctx.app.url, 'supervisor');
    const supervisor = client(`${ctx.app.url}/api`, auth);
    expect((await supervisor('GET', '/student')).status).toBe(200);
    expect((await supervisor('GET', `/student?filter=${q({ no_such_field: 1 })}`)).status).toBe(400);
    await ctx.db.pool.query(`UPDATE auth_session SET ended_at = now() WHERE id = $1`, [sessionOf(auth)]);
    expect((await supervisor('GET', `/student?filter=${q({ no_such_field: 1 })}`)).status).toBe(401);
  });

  it('answers concurrent requests of several sessions each by its own check: an ended one among them alone is refused', async () => {
    const sessions = [await signIn(ctx.app.url, 'supervisor'), await signIn(ctx.app.url, 'supervisor'), await signIn(ctx.app.url, 'admin')];
    const callers = sessions.map((auth) => client(`${ctx.app.url}/api`, auth));
    for (const call of callers) expect((await call('GET', '/student?range=[0,0]')).status).toBe(200);
    await ctx.db.pool.query(`UPDATE auth_session SET ended_at = now() WHERE id = $1`, [sessionOf(sessions[1])]);
    const before = await lastAccessId();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => callers[i % 3]('GET', '/student?range=[0,4]')));
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 30 }, (_, i) => (i % 3 === 1 ? 401 : 200)));
    // Twenty pages answered, twenty recorded, each under the user who received it.
    const users = (await ctx.db.pool.query(`SELECT user_id FROM access_log WHERE id > $1 AND table_name = 'student'`, [before])).rows.map((r) => Number(r.user_id));
    const ids = (await ctx.db.pool.query(`SELECT id FROM app_user WHERE email = ANY($1) ORDER BY email`, [['admin@demo.kcsos.invalid', 'supervisor@demo.kcsos.invalid']])).rows.map((r) => Number(r.id));
    expect(users.sort()).toEqual([...Array(10).fill(ids[0]), ...Array(10).fill(ids[1])].sort());
  });

  it('answers while another transaction holds a session row whose touch is due: the shared check waits for no lock', async () => {
    const [a, b] = [await signIn(ctx.app.url, 'supervisor'), await signIn(ctx.app.url, 'admin')];
    const callers = [a, b].map((auth) => client(`${ctx.app.url}/api`, auth));
    for (const call of callers) expect((await call('GET', '/student?range=[0,0]')).status).toBe(200);
    const holder = await ctx.db.pool.connect();
    try {
      // Both sessions due a touch; one of them locked, as a logout or a deactivation would hold it.
      await ctx.db.pool.query(`UPDATE auth_session SET last_seen_at = now() - interval '2 minutes' WHERE id = ANY($1)`, [[sessionOf(a), sessionOf(b)]]);
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM auth_session WHERE id = $1 FOR UPDATE`, [sessionOf(a)]);
      const waited = new Promise<string>((resolve) => setTimeout(() => resolve('still waiting after 5 s'), 5_000));
      const answers = Promise.all(Array.from({ length: 6 }, (_, i) => callers[i % 2]('GET', '/student?range=[0,4]'))).then((all) => all.map((r) => r.status).join(','));
      expect(await Promise.race([answers, waited])).toBe('200,200,200,200,200,200');
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
    const touched = (await ctx.db.pool.query(`SELECT id FROM auth_session WHERE id = ANY($1) AND last_seen_at > now() - interval '1 minute'`, [[sessionOf(a), sessionOf(b)]])).rows.map((r) => r.id);
    expect(touched).toEqual([sessionOf(b)]);
  });
});
