import { describe, expect, it } from '@jest/globals';
import { client, q, serverForTests, signIn } from '../support/server.js';
import { samplePdf } from '../support/sample-files.js';

const ctx = serverForTests();

interface AccessRow {
  id: string;
  user_id: number;
  table_name: string;
  record_ids: string[];
  action: string;
  client_address: string | null;
  filter: unknown;
}

async function accessesSince(id: number): Promise<AccessRow[]> {
  return (await ctx.db.pool.query(`SELECT * FROM access_log WHERE id > $1 ORDER BY id`, [id])).rows;
}

async function lastAccessId(): Promise<number> {
  return Number((await ctx.db.pool.query(`SELECT coalesce(max(id), 0) AS id FROM access_log`)).rows[0].id);
}

async function userId(email: string): Promise<number> {
  return (await ctx.db.pool.query(`SELECT id FROM app_user WHERE email = $1`, [email])).rows[0].id;
}

describe('the record of access', () => {
  it('records a show, a list page (the ids shown and the filter), a getMany and a history view', async () => {
    const admin = await userId('admin@demo.kcsos.invalid');
    const before = await lastAccessId();
    const page = await ctx.api('GET', `/student?filter=${q({ status: 'Active' })}&range=[0,4]&sort=${q(['id', 'ASC'])}`);
    expect(page.status).toBe(200);
    const ids = page.body.map((s: { id: number }) => s.id);
    expect((await ctx.api('GET', `/student/${ids[0]}`)).status).toBe(200);
    expect((await ctx.api('GET', `/claim?filter=${q({ id: [1, 2, 3] })}`)).status).toBe(200);
    expect((await ctx.api('GET', `/student/${ids[1]}/history`)).status).toBe(200);
    const rows = await accessesSince(before);
    expect(rows.map((r) => [r.table_name, r.action, r.record_ids.map(Number)])).toEqual([
      ['student', 'list', ids],
      ['student', 'show', [ids[0]]],
      ['claim', 'list', [1, 2, 3]],
      ['student', 'history', [ids[1]]],
    ]);
    expect(rows.every((r) => r.user_id === admin)).toBe(true);
    expect(rows[0].filter).toEqual({ status: 'Active' });
    expect(rows[1].filter).toBeNull();
    expect(rows[0].client_address).toMatch(/127\.0\.0\.1/);
  });

  it('records what an export sent: every id, with the filter', async () => {
    const before = await lastAccessId();
    const res = await fetch(`${ctx.app.url}/api/service/export?filter=${q({ student_id: [1, 2, 3, 4, 5] })}`, { headers: await signIn(ctx.app.url, 'admin') });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\n').slice(1);
    const expected = (await ctx.db.pool.query(`SELECT id FROM service WHERE student_id = ANY($1) ORDER BY id`, [[1, 2, 3, 4, 5]])).rows.map((r) => Number(r.id));
    expect(lines).toHaveLength(expected.length);
    const rows = (await accessesSince(before)).filter((r) => r.action === 'export');
    expect(rows.flatMap((r) => r.record_ids.map(Number))).toEqual(expected);
    expect(rows.every((r) => r.table_name === 'service')).toBe(true);
    expect(rows[0].filter).toEqual({ student_id: [1, 2, 3, 4, 5] });
  });

  it('records a document download as a read of the document and of its record', async () => {
    const form = new FormData();
    form.append('document_type', 'Parental Consent');
    form.append('file', new Blob([new Uint8Array(samplePdf())]), 'consent.pdf');
    const admin = await signIn(ctx.app.url, 'admin');
    const up = await fetch(`${ctx.app.url}/api/student/7/files`, { method: 'POST', headers: admin, body: form });
    expect(up.status).toBe(201);
    const doc = (await up.json()) as { id: number };
    const before = await lastAccessId();
    const down = await fetch(`${ctx.app.url}/api/file_metadata/${doc.id}/content?download=1`, { headers: admin });
    expect(down.status).toBe(200);
    await down.arrayBuffer();
    expect((await accessesSince(before)).map((r) => [r.table_name, r.action, r.record_ids.map(Number)])).toEqual([
      ['file_metadata', 'download', [doc.id]],
      ['student', 'download', [7]],
    ]);
  });

  it('records no read that was not answered: a record out of the caller\'s scope (404), or none at all', async () => {
    const practitioner = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'practitioner'));
    const me = await userId('practitioner@demo.kcsos.invalid');
    const theirs = (await ctx.db.pool.query(`SELECT id FROM student WHERE practitioner_id IS DISTINCT FROM $1 ORDER BY id LIMIT 1`, [me])).rows[0].id;
    const mine = (await ctx.db.pool.query(`SELECT id FROM student WHERE practitioner_id = $1 ORDER BY id LIMIT 1`, [me])).rows[0].id;
    const before = await lastAccessId();
    expect((await practitioner('GET', `/student/${theirs}`)).status).toBe(404);
    expect((await practitioner('GET', `/student/${theirs}/history`)).status).toBe(404);
    expect((await practitioner('GET', '/student/99999999')).status).toBe(404);
    expect((await practitioner('GET', `/student/${mine}`)).status).toBe(200);
    expect((await accessesSince(before)).map((r) => [r.user_id, r.action, r.record_ids.map(Number)])).toEqual([[me, 'show', [mine]]]);
  });

  it('records the history of a deleted record, which is still served', async () => {
    const service = (await ctx.db.pool.query(`SELECT id FROM service ORDER BY id DESC LIMIT 1`)).rows[0].id;
    expect((await ctx.api('DELETE', `/service/${service}`)).status).toBe(200);
    const before = await lastAccessId();
    const history = await ctx.api('GET', `/service/${service}/history`);
    expect(history.status).toBe(200);
    expect((await accessesSince(before)).map((r) => [r.table_name, r.action, r.record_ids.map(Number)])).toEqual([['service', 'history', [service]]]);
  });

  it('records nothing for resources not declared access-logged', async () => {
    const before = await lastAccessId();
    expect((await ctx.api('GET', '/modifier?range=[0,9]')).status).toBe(200);
    expect((await ctx.api('GET', '/organization?range=[0,9]')).status).toBe(200);
    expect(await accessesSince(before)).toEqual([]);
  });

  it('does not answer a read whose access record cannot be written (503), and answers again once it can', async () => {
    await ctx.db.pool.query(`CREATE FUNCTION refuse_access_log() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`);
    await ctx.db.pool.query(`CREATE TRIGGER refuse BEFORE INSERT ON access_log FOR EACH ROW EXECUTE FUNCTION refuse_access_log()`);
    try {
      const student = (await ctx.db.pool.query(`SELECT id, last_name FROM student ORDER BY id LIMIT 1`)).rows[0];
      const show = await ctx.api('GET', `/student/${student.id}`);
      expect(show.status).toBe(503);
      expect(show.headers.get('retry-after')).toBe('1');
      expect(JSON.stringify(show.body)).not.toContain(student.last_name);
      expect(show.body.message).toMatch(/access log/);
      const list = await ctx.api('GET', '/student?range=[0,4]');
      expect(list.status).toBe(503);
      expect((await ctx.api('GET', `/student/${student.id}/history`)).status).toBe(503);
      // Resources that are not access-logged are still served.
      expect((await ctx.api('GET', '/modifier?range=[0,1]')).status).toBe(200);
    } finally {
      await ctx.db.pool.query(`DROP TRIGGER refuse ON access_log`);
      await ctx.db.pool.query(`DROP FUNCTION refuse_access_log()`);
    }
    expect((await ctx.api('GET', '/student/1')).status).toBe(200);
  });

  it('is append-only', async () => {
    await expect(ctx.db.pool.query(`UPDATE access_log SET action = 'show'`)).rejects.toThrow(/append-only/);
    await expect(ctx.db.pool.query(`DELETE FROM access_log`)).rejects.toThrow(/append-only/);
    await expect(ctx.db.pool.query(`TRUNCATE access_log`)).rejects.toThrow(/append-only/);
  });
});

describe('the access log as a resource', () => {
  it('is read-only, for supervisors and admins; support staff and practitioners may not list it', async () => {
    await ctx.api('GET', '/student/2');
    const admin = await ctx.api('GET', `/access_log?sort=${q(['id', 'DESC'])}&range=[0,0]`);
    expect(admin.status).toBe(200);
    expect(admin.body[0]).toMatchObject({ table_name: 'student', action: 'show', record_ids: [2] });
    expect((await ctx.api('POST', '/access_log', { user_id: 1, table_name: 'student', record_ids: [1], action: 'show' })).status).toBeGreaterThanOrEqual(400);
    const supervisor = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'supervisor'));
    expect((await supervisor('GET', '/access_log?range=[0,0]')).status).toBe(200);
    for (const role of ['support', 'practitioner'] as const) {
      const other = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, role));
      expect((await other('GET', '/access_log?range=[0,0]')).status).toBe(403);
    }
    // Filters by record id work on the BIGINT[] column.
    const byRecord = await ctx.api('GET', `/access_log?filter=${q({ table_name: 'student', record_ids: 2 })}&range=[0,99]`);
    expect(byRecord.status).toBe(200);
    expect(byRecord.body.length).toBeGreaterThan(0);
    expect(byRecord.body.every((r: { record_ids: number[] }) => r.record_ids.includes(2))).toBe(true);
    expect((await ctx.api('GET', `/access_log?filter=${q({ record_ids: 'x' })}`)).status).toBe(400);
  });

  it('shows a district admin the reads of their districts\' students only', async () => {
    const districtAdmin = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'districtAdmin'));
    const districts: string[] = (await ctx.db.pool.query(`SELECT districts FROM app_user WHERE email = 'district.admin@demo.kcsos.invalid'`)).rows[0].districts;
    const inside = (await ctx.db.pool.query(`SELECT id FROM student WHERE district = ANY($1) ORDER BY id LIMIT 1`, [districts])).rows[0].id;
    const outside = (await ctx.db.pool.query(`SELECT id FROM student WHERE NOT district = ANY($1) ORDER BY id LIMIT 1`, [districts])).rows[0].id;
    await ctx.api('GET', `/student/${inside}`);
    await ctx.api('GET', `/student/${outside}`);
    const seen = await districtAdmin('GET', `/access_log?filter=${q({ table_name: 'student', action: 'show' })}&range=[0,999]`);
    expect(seen.status).toBe(200);
    const ids = seen.body.flatMap((r: { record_ids: number[] }) => r.record_ids);
    expect(ids).toContain(inside);
    expect(ids).not.toContain(outside);
    // The "Accessed by" tab: their own district's student answers, another district's is 404.
    expect((await districtAdmin('GET', `/student/${inside}/accesses`)).status).toBe(200);
    expect((await districtAdmin('GET', `/student/${outside}/accesses`)).status).toBe(404);
  });

  it('answers "who has seen this record" for the Accessed by tab: who, when, how', async () => {
    const supervisor = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'supervisor'));
    await supervisor('GET', '/student/9');
    await supervisor('GET', `/student?filter=${q({ id: [9, 10] })}`);
    const res = await ctx.api('GET', '/student/9/accesses');
    expect(res.status).toBe(200);
    const supervisorId = await userId('supervisor@demo.kcsos.invalid');
    expect(res.body.slice(0, 2)).toEqual([
      expect.objectContaining({ user_id: supervisorId, action: 'list', records: 2, filter: { id: [9, 10] } }),
      expect.objectContaining({ user_id: supervisorId, action: 'show', records: 1 }),
    ]);
    expect(res.body[0].user_name).toEqual(expect.any(String));
    expect(res.body[0].occurred_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    const support = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'support'));
    expect((await support('GET', '/student/9/accesses')).status).toBe(403);
    expect((await ctx.api('GET', '/modifier/1/accesses')).status).toBe(404);
  });
});
