import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { App } from '../../server/app.js';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { sampleRecord, type MetaResource } from '../support/sample-record.js';
import { DEMO, client, q, signIn, startServer } from '../support/server.js';

/**
 * Time travel checked against states captured at the time: for every resource (from the metadata)
 * a sequence of creates, edits, deletes and re-creates with the database's clock noted between
 * them, then every captured state read back as of its moment, one by one and as a list.
 */
let db: TestDatabase;
let app: App;
let admin: ReturnType<typeof client>;
let meta: Map<string, MetaResource & { asOfLinks?: unknown[] }>;

const one = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows[0];
/** The database's clock now (after the previous write committed; the next one starts later). */
const now = async (): Promise<string> => (await one(`SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS t`)).t;
const auditCount = async () => Number((await one(`SELECT count(*) AS n FROM audit_log`)).n);

beforeAll(async () => {
  db = await testDatabase();
  app = await startServer(db);
  admin = client(`${app.url}/api`, await signIn(app.url, 'admin'));
  meta = new Map((await admin('GET', '/meta')).body.resources.map((r: MetaResource) => [r.name, r]));
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const create = async (resource: string, data: Record<string, unknown>) => {
  const res = await admin('POST', `/${resource}`, data);
  if (res.status !== 201) throw new Error(`create ${resource}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};
/** Every row of a resource as of a moment, a page of 1,000 at a time, in the order given. */
const wholeAsOf = async (resource: string, at: string, sort: [string, 'ASC' | 'DESC']): Promise<{ id: number }[]> => {
  const rows: { id: number }[] = [];
  for (let start = 0; ; start += 1000) {
    const res = await admin('GET', `/${resource}?as_of=${encodeURIComponent(at)}&sort=${q(sort)}&range=${q([start, start + 999])}`);
    expect([resource, sort, res.status]).toEqual([resource, sort, 200]);
    rows.push(...res.body);
    if (res.body.length < 1000) return rows;
  }
};
const first = async (resource: string) => (await admin('GET', `/${resource}?sort=${q(['id', 'ASC'])}&range=${q([0, 0])}`)).body[0];

/** A field every record may take any value of (not unique, alone or with others), to edit. */
function editableText(resource: MetaResource) {
  return resource.fields.find(
    (f) => !f.readOnly && !f.reference && !f.choices && !f.unique && !resource.uniqueTogether.flat().includes(f.name) && f.type === 'text' && f.name !== 'entity_table' && !f.rule,
  );
}

interface Captured {
  at: string;
  /** Each record's state then (null: it did not exist). */
  states: Map<number, Record<string, unknown> | null>;
}

describe('every resource read back as of each captured moment', () => {
  const writable = () => [...meta.values()].filter((r) => !r.readOnly);

  it('covers every resource the API serves', () => {
    expect(writable().length).toBeGreaterThanOrEqual(20);
  });

  const NAMES = [
    'app_user', 'organization', 'qualification', 'billing_code', 'practitioner_type', 'modifier', 'fee_schedule_code',
    'fee_code_practitioner_type', 'fee_code_modifier', 'user_qualification', 'user_authorized_service', 'user_practitioner_type',
    'student', 'service', 'claim', 'permission_category', 'permission_item', 'service_group', 'group_membership', 'file_metadata', 'saved_view',
  ];
  it('the list below is every writable resource', () => {
    expect(writable().map((r) => r.name).sort()).toEqual([...NAMES].sort());
  });

  for (const name of NAMES) {
    it(`${name}: create, edit, delete, re-create, undo the delete; every state as of its moment`, async () => {
      const resource = meta.get(name)!;
      const text = editableText(resource);
      const moments: Captured[] = [];
      const ids: number[] = [];
      const capture = async () => {
        const states = new Map<number, Record<string, unknown> | null>();
        for (const id of ids) {
          const res = await admin('GET', `/${name}/${id}`);
          states.set(id, res.status === 200 ? res.body : null);
        }
        moments.push({ at: await now(), states });
      };

      const data = await sampleRecord(meta, name, create, first);
      const before = await now(); // before the record existed
      const a = await create(name, data);
      ids.push(a.id);
      await capture();
      // A bystander, newer than the first record: once that one is put back, a list as of a moment
      // in between reads it among the records newer than one born since (the undo re-inserts it).
      const c = await create(name, await sampleRecord(meta, name, create, first));
      ids.push(c.id);
      await capture();
      if (text) {
        expect((await admin('PUT', `/${name}/${a.id}`, { [text.name]: `first edit of ${text.name}` })).status).toBe(200);
        await capture();
        expect((await admin('PUT', `/${name}/${a.id}`, { [text.name]: `second edit of ${text.name}` })).status).toBe(200);
        await capture();
      }
      expect((await admin('DELETE', `/${name}/${a.id}`)).status).toBe(200);
      await capture();
      // Re-created: a new record with the same values (a new id).
      const b = await create(name, data);
      ids.push(b.id);
      await capture();
      if (text) {
        expect((await admin('PUT', `/${name}/${b.id}`, { [text.name]: `edit of the re-created ${text.name}` })).status).toBe(200);
        await capture();
      }
      // The new one goes, the old one comes back with its id (undo of its deletion).
      expect((await admin('DELETE', `/${name}/${b.id}`)).status).toBe(200);
      const deletion = (await one(`SELECT id FROM audit_log WHERE table_name = $1 AND record_pk = jsonb_build_object('id', $2::bigint) AND action = 'DELETE'`, [name, a.id])).id;
      const undo = await admin('POST', `/audit_log/${deletion}/revert`);
      expect(undo.status).toBe(200);
      await capture();

      // Before anything: neither existed.
      expect((await admin('GET', `/${name}/${a.id}?as_of=${encodeURIComponent(before)}`)).status).toBe(404);
      for (const { at, states } of moments) {
        for (const [id, state] of states) {
          const res = await admin('GET', `/${name}/${id}?as_of=${encodeURIComponent(at)}`);
          if (state === null) expect([at, id, res.status]).toEqual([at, id, 404]);
          else expect([at, id, res.status, res.body]).toEqual([at, id, 200, state]);
        }
        const list = await admin('GET', `/${name}?as_of=${encodeURIComponent(at)}&filter=${q({ id: ids })}&sort=${q(['id', 'ASC'])}&range=${q([0, 9])}`);
        expect(list.status).toBe(200);
        const expected = ids.map((id) => states.get(id)).filter((s) => s);
        expect([at, list.body]).toEqual([at, expected]);
        expect(list.headers.get('content-range')).toMatch(new RegExp(`/${expected.length}$`));
        const newest = await admin('GET', `/${name}?as_of=${encodeURIComponent(at)}&filter=${q({ id: ids })}&sort=${q(['id', 'DESC'])}&range=${q([0, 9])}`);
        expect([at, newest.body]).toEqual([at, [...expected].reverse()]);
        // The whole table then, every row (not only this test's), read the two ways time travel
        // reads it: by id (a page of look-ups beside the records born and deleted since) and in
        // any other order (every event since the moment, mapped): the same rows.
        const byId = await wholeAsOf(name, at, ['id', 'ASC']);
        expect(byId.map((r) => r.id)).toEqual([...byId.map((r) => r.id)].sort((x, y) => x - y));
        expect([at, (await wholeAsOf(name, at, ['id', 'DESC'])).reverse()]).toEqual([at, byId]);
        const other = resource.fields.find((f) => f.sortable && f.name !== 'id')!;
        expect([at, (await wholeAsOf(name, at, [other.name, 'ASC'])).sort((x, y) => x.id - y.id)]).toEqual([at, byId]);
      }
    });
  }
});

describe('lists as of a moment', () => {
  it('filters and sorts the rows as they stood, brings deleted rows back, leaves later rows out, totals them', async () => {
    const m1 = await create('modifier', { code: 'TA', description: 'alpha old' });
    const m2 = await create('modifier', { code: 'TB', description: 'beta' });
    const at = await now();
    await admin('PUT', `/modifier/${m1.id}`, { description: 'alpha new' });
    await admin('DELETE', `/modifier/${m2.id}`);
    const m3 = await create('modifier', { code: 'TC', description: 'alpha later' });
    const asOf = encodeURIComponent(at);
    const alpha = await admin('GET', `/modifier?as_of=${asOf}&filter=${q({ description_like: 'alpha' })}&sort=${q(['description', 'DESC'])}`);
    expect(alpha.body.map((r: { id: number; description: string }) => [r.id, r.description])).toEqual([[m1.id, 'alpha old']]);
    const all = await admin('GET', `/modifier?as_of=${asOf}&filter=${q({ id: [m1.id, m2.id, m3.id] })}&sort=${q(['code', 'DESC'])}&range=${q([0, 0])}`);
    expect(all.body.map((r: { id: number }) => r.id)).toEqual([m2.id]);
    expect(all.headers.get('content-range')).toBe(`modifier 0-0/2`);
    // Now: the edit, the deletion and the later row.
    const today = await admin('GET', `/modifier?filter=${q({ id: [m1.id, m2.id, m3.id] })}&sort=${q(['id', 'ASC'])}`);
    expect(today.body.map((r: { id: number; description: string }) => [r.id, r.description])).toEqual([[m1.id, 'alpha new'], [m3.id, 'alpha later']]);
  });

  it('answers the append-only logs as the rows written by then', async () => {
    const at = await now();
    await create('modifier', { code: 'TD' });
    const newest = (await one(`SELECT max(id) AS id FROM audit_log`)).id;
    const res = await admin('GET', `/audit_log?as_of=${encodeURIComponent(at)}&sort=${q(['id', 'DESC'])}&range=${q([0, 0])}`);
    expect(res.status).toBe(200);
    expect(Number(res.body[0].id)).toBeLessThan(Number(newest));
    expect(Date.parse(res.body[0].occurred_at)).toBeLessThanOrEqual(Date.parse(at));
  });

  it('takes a date alone as the end of that day, and refuses a moment that is not one with a 400', async () => {
    const today = (await one(`SELECT to_char(now(), 'YYYY-MM-DD') AS d`)).d;
    const m = await create('modifier', { code: 'TE' });
    expect((await admin('GET', `/modifier/${m.id}?as_of=${today}`)).status).toBe(200);
    expect((await admin('GET', `/modifier/${m.id}?as_of=2020-01-01`)).status).toBe(404);
    for (const bad of ['yesterday', '2026-02-30', '2026-13-01', '2026-01-01T25:00:00Z', "2026-01-01'; select 1"]) {
      const res = await admin('GET', `/modifier?as_of=${encodeURIComponent(bad)}`);
      expect([bad, res.status]).toEqual([bad, 400]);
      expect(JSON.stringify(res.body)).not.toMatch(/stack|pg_|syntax error|\.js:/i);
    }
    expect((await admin('GET', `/modifier?as_of=a&as_of=b`)).status).toBe(400);
  });

  it('is refused by the reads that answer the rows as they stand now, exports and figures, rather than passed over', async () => {
    const today = (await one(`SELECT to_char(now(), 'YYYY-MM-DD') AS d`)).d;
    for (const path of [`/claim/export?as_of=${today}`, `/claim/export?as_of=${today}&raw=1`, `/claim/aggregate?as_of=${today}&group=${q(['district'])}`]) {
      const res = await admin('GET', path);
      expect([path, res.status, res.body.message]).toEqual([path, 400, expect.stringMatching(/"as_of" is not available/)]);
    }
    expect((await admin('GET', `/claim/aggregate?group=${q(['district'])}`)).status).toBe(200);
  });
});

describe('scope and visibility through time', () => {
  let practitioner: ReturnType<typeof client>;
  let me: number;
  beforeAll(async () => {
    practitioner = client(`${app.url}/api`, await signIn(app.url, 'practitioner'));
    me = (await one(`SELECT id FROM app_user WHERE email = $1`, [DEMO.practitioner])).id;
  });

  it('a student who was theirs but is no longer is not theirs to see as of any moment', async () => {
    const student = await one(`SELECT id FROM student WHERE practitioner_id = $1 ORDER BY id LIMIT 1`, [me]);
    const other = await one(`SELECT id FROM app_user WHERE role = 'Practitioner' AND id <> $1 ORDER BY id LIMIT 1`, [me]);
    const at = await now();
    expect((await practitioner('GET', `/student/${student.id}?as_of=${encodeURIComponent(at)}`)).status).toBe(200);
    expect((await admin('PUT', `/student/${student.id}`, { practitioner_id: other.id })).status).toBe(200);
    expect((await practitioner('GET', `/student/${student.id}?as_of=${encodeURIComponent(at)}`)).status).toBe(404);
    const list = await practitioner('GET', `/student?as_of=${encodeURIComponent(at)}&filter=${q({ id: student.id })}`);
    expect(list.body).toEqual([]);
    expect((await practitioner('GET', `/student/${student.id}/versions`)).status).toBe(404);
    // The new practitioner sees its past, as its history shows it to them.
    await db.pool.query(`UPDATE student SET practitioner_id = $1 WHERE id = $2`, [me, student.id]);
    expect((await practitioner('GET', `/student/${student.id}?as_of=${encodeURIComponent(at)}`)).status).toBe(200);
  });

  it('a deleted record outside the caller\'s scope stays out of an as-of list', async () => {
    const mine = await one(`SELECT id FROM student WHERE practitioner_id = $1 ORDER BY id LIMIT 1`, [me]);
    const notMine = await one(`SELECT id FROM student WHERE practitioner_id <> $1 AND NOT EXISTS (SELECT 1 FROM claim c WHERE c.student_ssid = student.ssid) AND NOT EXISTS (SELECT 1 FROM service s WHERE s.student_id = student.id) AND NOT EXISTS (SELECT 1 FROM group_membership g WHERE g.student_id = student.id) ORDER BY id LIMIT 1`, [me]);
    const at = await now();
    expect((await admin('DELETE', `/student/${notMine.id}`)).status).toBe(200);
    const list = await practitioner('GET', `/student?as_of=${encodeURIComponent(at)}&filter=${q({ id: [mine.id, notMine.id] })}`);
    expect(list.body.map((r: { id: number }) => r.id)).toEqual([mine.id]);
    const all = await admin('GET', `/student?as_of=${encodeURIComponent(at)}&filter=${q({ id: [mine.id, notMine.id] })}&sort=${q(['id', 'ASC'])}`);
    expect(all.body.map((r: { id: number }) => r.id).sort()).toEqual([mine.id, notMine.id].sort());
  });

  it('fields the caller may not see today stay hidden in past versions, filters and compare', async () => {
    const student = await one(`SELECT id FROM student WHERE practitioner_id = $1 ORDER BY id LIMIT 1`, [me]);
    await admin('PUT', `/student/${student.id}`, { insurance_policy_number: 'POLICY-OLD-1' });
    const at = await now();
    await admin('PUT', `/student/${student.id}`, { insurance_policy_number: 'POLICY-NEW-2' });
    await db.pool.query(`UPDATE permission_item SET practitioner = false WHERE name = 'student.sensitive'`);
    try {
      const res = await practitioner('GET', `/student/${student.id}?as_of=${encodeURIComponent(at)}`);
      expect(res.status).toBe(200);
      expect(res.body).not.toHaveProperty('insurance_policy_number');
      expect(JSON.stringify(res.body)).not.toContain('POLICY-OLD');
      const filtered = await practitioner('GET', `/student?as_of=${encodeURIComponent(at)}&filter=${q({ insurance_policy_number: 'POLICY-OLD-1' })}`);
      expect(filtered.status).toBe(400);
      const versions = (await practitioner('GET', `/student/${student.id}/versions`)).body;
      expect(JSON.stringify(versions)).not.toContain('POLICY-');
      const cmp = await practitioner('GET', `/student/${student.id}/compare?from=${versions[1].id}&to=current`);
      expect(cmp.status).toBe(200);
      expect(JSON.stringify(cmp.body)).not.toContain('POLICY-');
      // A restore that would change a field they cannot see is refused and changes nothing.
      const etag = (await practitioner('GET', `/student/${student.id}`)).headers.get('etag')!;
      const restore = await practitioner('POST', `/student/${student.id}/restore`, { as_of: at }, { 'x-change-reason': 'try', 'if-match': etag });
      expect(restore.status).toBe(403);
      expect((await one(`SELECT insurance_policy_number FROM student WHERE id = $1`, [student.id])).insurance_policy_number).toBe('POLICY-NEW-2');
    } finally {
      await db.pool.query(`UPDATE permission_item SET practitioner = true WHERE name = 'student.sensitive'`);
    }
  });
});

describe('versions and compare', () => {
  it('lists each event with who, when, reason and change set, and compares any two and the current state', async () => {
    const m = await create('modifier', { code: 'TV', description: 'one' });
    await admin('PUT', `/modifier/${m.id}`, { description: 'two' }, { 'x-change-reason': 'second' });
    await admin('PUT', `/modifier/${m.id}`, { description: 'three', notes: 'n' }, { 'x-change-reason': 'third' });
    const versions = (await admin('GET', `/modifier/${m.id}/versions`)).body;
    expect(versions.map((v: { action: string }) => v.action)).toEqual(['UPDATE', 'UPDATE', 'INSERT']);
    expect(versions[0]).toMatchObject({ reason: 'third', exists: true, user_name: expect.any(String), change_set: expect.any(Number) });
    expect(versions[0].changes).toEqual([{ field: 'description', before: 'two', after: 'three' }, { field: 'notes', before: null, after: 'n' }]);
    // Each version read back at its moment is the state its event left.
    const second = (await admin('GET', `/modifier/${m.id}?as_of=${encodeURIComponent(versions[1].as_of)}`)).body;
    expect(second.description).toBe('two');
    const cmp = (await admin('GET', `/modifier/${m.id}/compare?from=${versions[2].id}&to=${versions[1].id}`)).body;
    expect(cmp.changes.filter((c: { field: string }) => c.field === 'description')).toEqual([{ field: 'description', from: 'one', to: 'two' }]);
    expect(cmp.from.record.description).toBe('one');
    expect(cmp.to).toMatchObject({ event: versions[1].id, reason: 'second' });
    const current = (await admin('GET', `/modifier/${m.id}/compare?from=${versions[2].id}&to=current`)).body;
    expect(current.to.record).toEqual((await admin('GET', `/modifier/${m.id}`)).body);
    expect(current.changes.map((c: { field: string }) => c.field)).toEqual(expect.arrayContaining(['description', 'notes']));
    // An event of another record, or no event, is refused.
    const other = await create('modifier', { code: 'TW' });
    const otherEvent = (await admin('GET', `/modifier/${other.id}/versions`)).body[0].id;
    expect((await admin('GET', `/modifier/${m.id}/compare?from=${otherEvent}&to=current`)).status).toBe(404);
    expect((await admin('GET', `/modifier/${m.id}/compare?from=abc&to=current`)).status).toBe(400);
  });
});

describe('restore a version', () => {
  const restore = (path: string, body: unknown, headers: Record<string, string> = {}) => admin('POST', path, body, headers);

  it('writes the record back to a version in one audited write, with the reason, the precondition and a preview', async () => {
    const loaded = (await admin('GET', '/student/11')).body;
    const at = await now();
    const edited = await admin('PUT', '/student/11', { comments: 'changed after', grade: 7 });
    expect(edited.status).toBe(200);
    const etag = edited.headers.get('etag')!;
    const audits = await auditCount();

    expect((await restore('/student/11/restore', { as_of: at }, { 'if-match': etag })).status).toBe(400); // no reason
    expect((await restore('/student/11/restore', { as_of: at }, { 'x-change-reason': 'r' })).status).toBe(428); // no precondition
    expect((await restore('/student/11/restore', { as_of: at }, { 'x-change-reason': 'r', 'if-match': '"stale"' })).status).toBe(412);
    expect((await restore('/student/11/restore', { as_of: at, updated_at: loaded.updated_at }, { 'x-change-reason': 'r' })).status).toBe(409);
    expect((await restore('/student/11/restore', {}, { 'x-change-reason': 'r', 'if-match': etag })).status).toBe(400);
    expect((await restore('/student/11/restore', { as_of: '2000-01-01' }, { 'x-change-reason': 'r', 'if-match': etag })).status).toBe(400);

    const preview = await restore('/student/11/restore/preview', { as_of: at }, { 'x-change-reason': 'r', 'if-match': etag });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ action: 'updated', applied: false });
    expect(preview.body.changes).toEqual(expect.arrayContaining([{ field: 'comments', before: 'changed after', after: loaded.comments }, { field: 'grade', before: 7, after: loaded.grade }]));
    expect(await auditCount()).toBe(audits);
    expect((await admin('GET', '/student/11')).body.comments).toBe('changed after');

    const done = await restore('/student/11/restore', { as_of: at }, { 'x-change-reason': 'wrong edit', 'if-match': etag });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ action: 'updated', applied: true });
    expect(done.headers.get('etag')).toBeTruthy();
    const now2 = (await admin('GET', '/student/11')).body;
    const { updated_at: _a, last_modified_at: _b, updated_by: _c, ...same } = loaded;
    expect(now2).toMatchObject(same);
    const events = await db.pool.query(`SELECT action, reason FROM audit_log WHERE id > (SELECT max(id) FROM audit_log) - 5 AND table_name = 'student' AND record_pk = '{"id": 11}' ORDER BY id DESC LIMIT 1`);
    expect(events.rows[0]).toEqual({ action: 'UPDATE', reason: expect.stringMatching(/^Restore of the version as of .*: wrong edit$/) });
    expect(await auditCount()).toBe(audits + 1);
  });

  it('restores the version an event left, and a deleted record comes back with its id', async () => {
    const m = await create('modifier', { code: 'TR', description: 'kept' });
    const insert = (await admin('GET', `/modifier/${m.id}/versions`)).body[0];
    await admin('PUT', `/modifier/${m.id}`, { description: 'lost' });
    expect((await admin('DELETE', `/modifier/${m.id}`)).status).toBe(200);
    const preview = await restore(`/modifier/${m.id}/restore/preview`, { event: insert.id }, { 'x-change-reason': 'undelete' });
    expect(preview.body).toMatchObject({ action: 'restored', applied: false });
    expect((await admin('GET', `/modifier/${m.id}`)).status).toBe(404);
    const done = await restore(`/modifier/${m.id}/restore`, { event: insert.id }, { 'x-change-reason': 'undelete' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ action: 'restored', record: { id: m.id, code: 'TR', description: 'kept' } });
    expect((await admin('GET', `/modifier/${m.id}`)).body.description).toBe('kept');
    const deleteEvent = (await admin('GET', `/modifier/${m.id}/versions`)).body.find((v: { action: string }) => v.action === 'DELETE');
    expect((await restore(`/modifier/${m.id}/restore`, { event: deleteEvent.id }, { 'x-change-reason': 'x', 'if-match': '*' })).status).toBe(400);
  });

  it('puts a deleted record back only if it passes the value rules of a create', async () => {
    // Written past the API (psql), so it breaks a rule the API would have refused.
    const { id } = await one(`INSERT INTO claim (claim_number, status, district, billed_amount) VALUES ('TT-NEGATIVE', 'Incomplete', 'Kern High School District', -5) RETURNING id`);
    expect((await admin('DELETE', `/claim/${id}`)).status).toBe(200);
    const insert = (await admin('GET', `/claim/${id}/versions`)).body.find((v: { action: string }) => v.action === 'INSERT');
    const audits = await auditCount();
    const res = await restore(`/claim/${id}/restore`, { event: insert.id }, { 'x-change-reason': 'r' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveProperty('billed_amount');
    expect(await auditCount()).toBe(audits);
    expect((await admin('GET', `/claim/${id}`)).status).toBe(404);
  });

  it('goes through the checks of an edit: references and the write scope', async () => {
    // A claim version naming a modifier that no longer exists is refused as an edit would be.
    const modifier = await create('modifier', { code: 'TZ' });
    const claim = (await admin('GET', `/claim/3`)).body;
    await admin('PUT', `/claim/3`, { modifiers: ['TZ'] });
    const at = await now();
    const changed = await admin('PUT', `/claim/3`, { modifiers: claim.modifiers ?? [] });
    expect((await admin('DELETE', `/modifier/${modifier.id}`)).status).toBe(200);
    const refused = await restore('/claim/3/restore', { as_of: at }, { 'x-change-reason': 'r', 'if-match': changed.headers.get('etag')! });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toHaveProperty('modifiers');

    // A practitioner may not restore their student to a version that belonged to someone else.
    const practitioner = client(`${app.url}/api`, await signIn(app.url, 'practitioner'));
    const me = (await one(`SELECT id FROM app_user WHERE email = $1`, [DEMO.practitioner])).id;
    const other = await one(`SELECT id FROM app_user WHERE role = 'Practitioner' AND id <> $1 ORDER BY id LIMIT 1`, [me]);
    const student = await one(`SELECT id FROM student WHERE practitioner_id = $1 ORDER BY id DESC LIMIT 1`, [me]);
    await admin('PUT', `/student/${student.id}`, { practitioner_id: other.id });
    const then = await now();
    const back = await admin('PUT', `/student/${student.id}`, { practitioner_id: me });
    const audits = await auditCount();
    const out = await practitioner('POST', `/student/${student.id}/restore`, { as_of: then }, { 'x-change-reason': 'r', 'if-match': back.headers.get('etag')! });
    expect(out.status).toBe(403);
    expect(await auditCount()).toBe(audits);
    expect((await one(`SELECT practitioner_id FROM student WHERE id = $1`, [student.id])).practitioner_id).toBe(me);
  });
});

describe('the record of access', () => {
  it('records reads as of a moment, of versions and of comparisons, like any read of an access-logged resource', async () => {
    const at = await now();
    const last = Number((await one(`SELECT coalesce(max(id), 0) AS id FROM access_log`)).id);
    expect((await admin('GET', `/claim/5?as_of=${encodeURIComponent(at)}`)).status).toBe(200);
    const page = await admin('GET', `/claim?as_of=${encodeURIComponent(at)}&sort=${q(['id', 'DESC'])}&range=${q([0, 2])}`);
    expect(page.status).toBe(200);
    const versions = (await admin('GET', `/claim/5/versions`)).body;
    expect((await admin('GET', `/claim/5/compare?from=${versions[versions.length - 1].id}&to=current`)).status).toBe(200);
    const rows = (await db.pool.query(`SELECT action, record_ids FROM access_log WHERE id > $1 AND table_name = 'claim' ORDER BY id`, [last])).rows;
    expect(rows.map((r) => [r.action, r.record_ids.map(Number)])).toEqual([
      ['show', [5]],
      ['list', page.body.map((r: { id: number }) => r.id)],
      ['history', [5]],
      ['history', [5]],
    ]);
  });
});

describe('as-of links declared beside the entity', () => {
  it('the claim names its student and fee schedule code as of its service date in /api/meta', () => {
    expect(meta.get('claim')!.asOfLinks).toEqual([
      expect.objectContaining({ resource: 'student', match: { ssid: 'student_ssid' }, at: 'service_date' }),
      expect.objectContaining({ resource: 'fee_schedule_code', match: { procedure_code: 'service_code' }, at: 'service_date' }),
    ]);
  });
});
