import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { App } from '../../server/app.js';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { DEMO, client, q, signIn, startServer } from '../support/server.js';

/** Broken object-level authorization, tried on every route: out-of-scope rows are 404 everywhere. */
let db: TestDatabase;
let app: App;
let admin: ReturnType<typeof client>;

beforeAll(async () => {
  db = await testDatabase();
  app = await startServer(db);
  admin = client(`${app.url}/api`, await signIn(app.url, 'admin'));
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const one = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows[0];
const grant = async (name: string, column: string) => {
  const [item] = (await admin('GET', `/permission_item?filter=${q({ name })}`)).body;
  await admin('PUT', `/permission_item/${item.id}`, { [column]: true });
};
const total = (res: { headers: Headers }) => Number(res.headers.get('content-range')!.split('/')[1]);

describe('practitioners reach only their own students, services, groups and memberships', () => {
  let api: ReturnType<typeof client>;
  let me: number;
  let mine: { id: number; ssid: string };
  let theirs: { id: number; ssid: string };

  beforeAll(async () => {
    await grant('audit.revert', 'practitioner');
    await grant('audit_log.list', 'practitioner');
    await grant('audit.browse', 'practitioner');
    api = client(`${app.url}/api`, await signIn(app.url, 'practitioner'));
    me = (await one(`SELECT id FROM app_user WHERE email = $1`, [DEMO.practitioner])).id;
    mine = await one(`SELECT id, ssid FROM student WHERE practitioner_id = $1 ORDER BY id LIMIT 1`, [me]);
    theirs = await one(`SELECT id, ssid FROM student WHERE practitioner_id <> $1 ORDER BY id LIMIT 1`, [me]);
  });

  it('lists and counts only their own rows', async () => {
    for (const [resource, where] of [
      ['student', `practitioner_id = $1`],
      ['service', `practitioner_id = $1`],
      ['service_group', `practitioner_id = $1`],
      ['group_membership', `group_id IN (SELECT id FROM service_group WHERE practitioner_id = $1)`],
    ]) {
      const res = await api('GET', `/${resource}?range=${q([0, 999])}`);
      const expected = (await one(`SELECT count(*)::int AS n FROM ${resource} WHERE ${where}`, [me])).n;
      expect([resource, total(res)]).toEqual([resource, expected]);
      expect(res.body).toHaveLength(expected);
      expect(expected).toBeGreaterThan(0);
    }
  });

  it('gets 404 for another practitioner\'s student on getOne, getMany, history, update and revert', async () => {
    expect((await api('GET', `/student/${mine.id}`)).status).toBe(200);
    expect((await api('GET', `/student/${theirs.id}`)).status).toBe(404);
    const many = await api('GET', `/student?filter=${q({ id: [mine.id, theirs.id] })}`);
    expect(many.body.map((r: { id: number }) => r.id)).toEqual([mine.id]);
    expect((await api('GET', `/student/${theirs.id}/history`)).status).toBe(404);
    expect((await api('PUT', `/student/${theirs.id}`, { comments: 'mine now' })).status).toBe(404);
    await admin('PUT', `/student/${theirs.id}`, { comments: 'admin edit' });
    const [event] = (await admin('GET', `/student/${theirs.id}/history`)).body;
    expect((await api('POST', `/audit_log/${event.id}/revert`)).status).toBe(404);
    // Nor through the audit log: its events of out-of-scope records are not listed either.
    expect((await api('GET', `/audit_log?filter=${q({ table_name: 'student', record_pk: { id: theirs.id } })}`)).body).toEqual([]);
    expect((await api('GET', `/audit_log?filter=${q({ table_name: 'student', record_pk: { id: mine.id } })}`)).body.length).toBeGreaterThan(0);
    const seen = (await api('GET', `/audit_log?filter=${q({ table_name: 'student' })}&range=${q([0, 999])}`)).body;
    const own = new Set((await db.pool.query(`SELECT id FROM student WHERE practitioner_id = $1`, [me])).rows.map((r) => r.id));
    expect(seen.every((e: { record_pk: { id: number } }) => own.has(e.record_pk.id))).toBe(true);
    expect((await one(`SELECT comments FROM student WHERE id = $1`, [theirs.id])).comments).toBe('admin edit');
  });

  it('may not move a row out of their scope, nor create one outside it', async () => {
    const other = (await one(`SELECT id FROM app_user WHERE role = 'Practitioner' AND id <> $1 LIMIT 1`, [me])).id;
    const moved = await api('PUT', `/student/${mine.id}`, { practitioner_id: other });
    expect(moved.status).toBe(403);
    expect((await one(`SELECT practitioner_id FROM student WHERE id = $1`, [mine.id])).practitioner_id).toBe(me);
    const before = (await one(`SELECT count(*)::int AS n FROM student`)).n;
    const created = await api('POST', '/student', { ssid: 'X-OUT-1', first_name: 'A', last_name: 'B', birthdate: '2014-01-01', district: 'Kern High School District', practitioner_id: other });
    expect(created.status).toBe(403);
    expect((await one(`SELECT count(*)::int AS n FROM student`)).n).toBe(before);
    const own = await api('POST', '/student', { ssid: 'X-IN-1', first_name: 'A', last_name: 'B', birthdate: '2014-01-01', district: 'Kern High School District', practitioner_id: me });
    expect(own.status).toBe(201);
  });

  it('create students that are theirs without naming themselves, and the console is told so', async () => {
    const student = (await api('GET', '/meta')).body.resources.find((r: { name: string }) => r.name === 'student');
    expect(student.createDefaults).toEqual({ practitioner_id: me });
    const created = await api('POST', '/student', { ssid: 'X-IN-2', first_name: 'C', last_name: 'D', birthdate: '2014-02-02', district: 'Kern High School District' });
    expect(created.status).toBe(201);
    expect(created.body.practitioner_id).toBe(me);
    const cleared = await api('POST', '/student', { ssid: 'X-IN-3', first_name: 'E', last_name: 'F', birthdate: '2014-03-03', district: 'Kern High School District', practitioner_id: null });
    expect(cleared.body.practitioner_id).toBe(me);
    // An admin has no scope: nothing is filled in for them.
    expect((await admin('GET', '/meta')).body.resources.find((r: { name: string }) => r.name === 'student').createDefaults).toEqual({});
    expect((await admin('POST', '/student', { ssid: 'X-ADMIN-1', first_name: 'G', last_name: 'H', birthdate: '2014-04-04', district: 'Kern High School District' })).body.practitioner_id).toBeNull();
  });

  it('reverts events on their own records', async () => {
    await api('PUT', `/student/${mine.id}`, { comments: 'own edit' });
    const [event] = (await api('GET', `/student/${mine.id}/history`)).body;
    expect((await api('POST', `/audit_log/${event.id}/revert`)).status).toBe(200);
  });
});

describe('district admins reach only rows of their districts', () => {
  let api: ReturnType<typeof client>;
  let districts: string[];

  beforeAll(async () => {
    await grant('audit.revert', 'district_admin');
    api = client(`${app.url}/api`, await signIn(app.url, 'districtAdmin'));
    districts = (await one(`SELECT districts FROM app_user WHERE email = $1`, [DEMO.districtAdmin])).districts;
  });

  it('lists and counts only their districts\' students, claims and services', async () => {
    for (const [resource, where] of [
      ['student', `district = ANY($1)`],
      ['claim', `district = ANY($1)`],
      ['service', `student_id IN (SELECT id FROM student WHERE district = ANY($1))`],
    ]) {
      const res = await api('GET', `/${resource}?range=${q([0, 999])}`);
      const expected = (await one(`SELECT count(*)::int AS n FROM ${resource} WHERE ${where}`, [districts])).n;
      expect([resource, total(res)]).toEqual([resource, expected]);
      expect(expected).toBeGreaterThan(0);
    }
  });

  it('gets 404 for a claim of another district on getOne, getMany, history, update, delete and revert', async () => {
    const inside = await one(`SELECT id FROM claim WHERE district = ANY($1) ORDER BY id LIMIT 1`, [districts]);
    const outside = await one(`SELECT id FROM claim WHERE NOT district = ANY($1) ORDER BY id LIMIT 1`, [districts]);
    expect((await api('GET', `/claim/${inside.id}`)).status).toBe(200);
    expect((await api('GET', `/claim/${outside.id}`)).status).toBe(404);
    expect((await api('GET', `/claim?filter=${q({ id: [inside.id, outside.id] })}`)).body.map((r: { id: number }) => r.id)).toEqual([inside.id]);
    expect((await api('GET', `/claim/${outside.id}/history`)).status).toBe(404);
    expect((await api('PUT', `/claim/${outside.id}`, { batch_number: 'X' })).status).toBe(404);
    expect((await api('DELETE', `/claim/${outside.id}`)).status).toBe(404);
    await admin('PUT', `/claim/${outside.id}`, { batch_number: 'ADMIN' });
    const [event] = (await admin('GET', `/claim/${outside.id}/history`)).body;
    expect((await api('POST', `/audit_log/${event.id}/revert`)).status).toBe(404);
    expect((await one(`SELECT batch_number FROM claim WHERE id = $1`, [outside.id])).batch_number).toBe('ADMIN');
  });

  it('are given their district on a new claim when they have only one', async () => {
    const claim = async () => (await api('GET', '/meta')).body.resources.find((r: { name: string }) => r.name === 'claim').createDefaults;
    expect(districts.length).toBe(2);
    expect(await claim()).toEqual({}); // two districts: the form asks
    expect((await api('POST', '/claim', { claim_number: 'CLM-SCOPE-1' })).status).toBe(403);
    const me = await one(`SELECT id FROM app_user WHERE email = $1`, [DEMO.districtAdmin]);
    expect((await admin('PUT', `/app_user/${me.id}`, { districts: [districts[0]] })).status).toBe(200);
    try {
      expect(await claim()).toEqual({ district: districts[0] });
      const created = await api('POST', '/claim', { claim_number: 'CLM-SCOPE-2' });
      expect(created.status).toBe(201);
      expect(created.body.district).toBe(districts[0]);
    } finally {
      await admin('PUT', `/app_user/${me.id}`, { districts });
    }
  });

  it('may not move a claim to another district', async () => {
    const inside = await one(`SELECT id FROM claim WHERE district = ANY($1) ORDER BY id LIMIT 1`, [districts]);
    expect((await api('PUT', `/claim/${inside.id}`, { district: 'Some Other District' })).status).toBe(403);
  });

  it('keeps history of a deleted record reachable only if it was in scope', async () => {
    const inside = await one(`SELECT id FROM claim WHERE district = ANY($1) ORDER BY id DESC LIMIT 1`, [districts]);
    const outside = await one(`SELECT id FROM claim WHERE NOT district = ANY($1) ORDER BY id DESC LIMIT 1`, [districts]);
    await admin('DELETE', `/claim/${inside.id}`);
    await admin('DELETE', `/claim/${outside.id}`);
    expect((await api('GET', `/claim/${inside.id}/history`)).status).toBe(200);
    expect((await api('GET', `/claim/${outside.id}/history`)).status).toBe(404);
  });
});
