import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { App } from '../../server/app.js';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { samplePdf } from '../support/sample-files.js';
import { DEMO, client, signIn, startServer } from '../support/server.js';

/**
 * The findings of the hostile review (security issue), one named test each: a write commits only if
 * every row it changed is in the writer's reach; revert is an edit; a document's storage fields are
 * the server's; a PUT says which version it changes.
 */
let db: TestDatabase;
let app: App;
let admin: ReturnType<typeof client>;
let districtAdmin: ReturnType<typeof client>;
let practitioner: ReturnType<typeof client>;
let districts: string[];
let me: number;

const one = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows[0];
const count = async (sql: string, params: unknown[] = []) => Number((await one(`SELECT count(*) AS n FROM ${sql}`, params)).n);

beforeAll(async () => {
  db = await testDatabase();
  app = await startServer(db);
  admin = client(`${app.url}/api`, await signIn(app.url, 'admin'));
  districtAdmin = client(`${app.url}/api`, await signIn(app.url, 'districtAdmin'));
  practitioner = client(`${app.url}/api`, await signIn(app.url, 'practitioner'));
  districts = (await one(`SELECT districts FROM app_user WHERE email = $1`, [DEMO.districtAdmin])).districts;
  me = (await one(`SELECT id FROM app_user WHERE email = $1`, [DEMO.practitioner])).id;
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

/** A group the district admin may see (its practitioner works in their district) with a member from elsewhere. */
async function groupAcrossDistricts(name: string): Promise<{ group: number; inside: number; outside: number }> {
  const leader = await one(`SELECT id FROM app_user WHERE districts && $1 AND role = 'Practitioner' ORDER BY id LIMIT 1`, [districts]);
  const inside = await one(`SELECT id FROM student WHERE district = ANY($1) ORDER BY id LIMIT 1`, [districts]);
  const outside = await one(`SELECT id FROM student WHERE NOT district = ANY($1) ORDER BY id LIMIT 1`, [districts]);
  const group = (await admin('POST', '/service_group', { name, practitioner_id: leader.id })).body;
  expect(group.id).toBeGreaterThan(0);
  for (const student of [inside, outside]) expect((await admin('POST', '/group_membership', { group_id: group.id, student_id: student.id })).status).toBe(201);
  return { group: group.id, inside: inside.id, outside: outside.id };
}

describe('a write commits only if every row it changed is in the writer\'s reach', () => {
  it('refuses a delete whose cascade would remove another district\'s rows, and changes nothing', async () => {
    const { group, outside } = await groupAcrossDistricts('Cascade test A');
    expect((await districtAdmin('GET', `/service_group/${group}`)).status).toBe(200);
    const auditBefore = await count(`audit_log`);
    const res = await districtAdmin('DELETE', `/service_group/${group}`);
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/group memberships outside what you may reach; nothing was changed/);
    expect(JSON.stringify(res.body)).not.toContain(String(outside));
    expect(await count(`service_group WHERE id = $1`, [group])).toBe(1);
    expect(await count(`group_membership WHERE group_id = $1`, [group])).toBe(2);
    expect(await count(`audit_log`)).toBe(auditBefore);
  });

  it('refuses the same through bulk delete, all or none', async () => {
    const { group } = await groupAcrossDistricts('Cascade test B');
    const res = await districtAdmin('POST', '/service_group/bulk-delete', { ids: [group] }, { 'x-change-reason': 'tidy' });
    expect(res.status).toBe(403);
    expect(await count(`group_membership WHERE group_id = $1`, [group])).toBe(2);
  });

  it('lets a practitioner delete their own group with its memberships (judged as the rows stood before)', async () => {
    const student = await one(`SELECT id FROM student WHERE practitioner_id = $1 ORDER BY id LIMIT 1`, [me]);
    const group = (await practitioner('POST', '/service_group', { name: 'Own group' })).body;
    expect(group.practitioner_id).toBe(me);
    expect((await practitioner('POST', '/group_membership', { group_id: group.id, student_id: student.id })).status).toBe(201);
    // A practitioner holds no delete by default: grant it for this check.
    const [item] = (await admin('GET', `/permission_item?filter=${encodeURIComponent(JSON.stringify({ name: 'service_group.delete' }))}`)).body;
    await admin('PUT', `/permission_item/${item.id}`, { practitioner: true });
    const res = await practitioner('DELETE', `/service_group/${group.id}`);
    expect(res.status).toBe(200);
    expect(await count(`group_membership WHERE group_id = $1`, [group.id])).toBe(0);
  });
});

describe('revert is an edit', () => {
  let support: ReturnType<typeof client>;
  beforeAll(async () => {
    // Support staff without the sensitive fields of students.
    const [item] = (await admin('GET', `/permission_item?filter=${encodeURIComponent(JSON.stringify({ name: 'student.sensitive' }))}`)).body;
    expect((await admin('PUT', `/permission_item/${item.id}`, { support: false })).status).toBe(200);
    support = client(`${app.url}/api`, await signIn(app.url, 'support'));
  });

  it('reports a conflict without the values of fields the caller may not see', async () => {
    const student = await one(`SELECT id FROM student ORDER BY id LIMIT 1`);
    const first = (await admin('PUT', `/student/${student.id}`, { medi_cal_benefits_id: 'MC-SECRET-1', comments: 'first' })).body;
    expect(first.medi_cal_benefits_id).toBe('MC-SECRET-1');
    const event = await one(`SELECT id FROM audit_log WHERE table_name = 'student' AND record_pk = jsonb_build_object('id', $1::bigint) ORDER BY id DESC LIMIT 1`, [student.id]);
    await admin('PUT', `/student/${student.id}`, { medi_cal_benefits_id: 'MC-SECRET-2', comments: 'second' });
    const res = await support('POST', `/audit_log/${event.id}/revert`);
    expect(res.status).toBe(409);
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/MC-SECRET|medi_cal/);
    expect(res.body.conflicts.map((c: { field: string }) => c.field)).toEqual(['comments']);
    expect(res.body.message).toMatch(/comments, 1 field you cannot see/);
  });

  it('may not move a row out of the writer\'s scope (403, nothing written)', async () => {
    // The admin moved a student into the district admin's district; undoing that would move it out.
    const student = await one(`SELECT id, district FROM student WHERE NOT district = ANY($1) ORDER BY id LIMIT 1`, [districts]);
    expect((await admin('PUT', `/student/${student.id}`, { district: districts[0] })).status).toBe(200);
    const event = await one(`SELECT id FROM audit_log WHERE table_name = 'student' AND record_pk = jsonb_build_object('id', $1::bigint) ORDER BY id DESC LIMIT 1`, [student.id]);
    const [item] = (await admin('GET', `/permission_item?filter=${encodeURIComponent(JSON.stringify({ name: 'audit.revert' }))}`)).body;
    await admin('PUT', `/permission_item/${item.id}`, { district_admin: true });
    const auditBefore = await count(`audit_log`);
    const res = await districtAdmin('POST', `/audit_log/${event.id}/revert`);
    expect(res.status).toBe(403);
    expect((await one(`SELECT district FROM student WHERE id = $1`, [student.id])).district).toBe(districts[0]);
    expect(await count(`audit_log`)).toBe(auditBefore);
    const set = await districtAdmin('POST', `/audit_log/revert-change-set/${(await one(`SELECT txid FROM audit_log WHERE id = $1`, [event.id])).txid}`);
    expect(set.status).toBe(403);
    expect((await one(`SELECT district FROM student WHERE id = $1`, [student.id])).district).toBe(districts[0]);
  });
});

describe('a document\'s storage fields are written by the server only', () => {
  it('ignores a storage path, checksum and size in a create body: the row describes no stored file', async () => {
    const victim = (await one(`SELECT id FROM student WHERE practitioner_id <> $1 ORDER BY id LIMIT 1`, [me])).id;
    const form = new FormData();
    form.append('document_type', 'Parental Consent');
    form.append('file', new Blob([new Uint8Array(samplePdf('victim consent'))], { type: 'application/pdf' }), 'victim.pdf');
    const adminAuth = await signIn(app.url, 'admin');
    const uploaded = await (await fetch(`${app.url}/api/student/${victim}/files`, { method: 'POST', headers: adminAuth, body: form })).json();
    expect(uploaded.storage_path).toMatch(/^student\//);
    const mine = (await one(`SELECT id FROM student WHERE practitioner_id = $1 ORDER BY id LIMIT 1`, [me])).id;
    const forged = await practitioner('POST', '/file_metadata', {
      entity_table: 'student',
      entity_id: mine,
      document_type: 'Parental Consent',
      file_name: 'mine.pdf',
      storage_path: uploaded.storage_path,
      checksum: uploaded.checksum,
      file_size_bytes: 999999,
      mime_type: 'application/pdf',
    });
    expect(forged.status).toBe(201);
    expect(forged.body.storage_path).toBe('');
    expect(forged.body.checksum).toBeNull();
    expect(forged.body.file_size_bytes).toBeNull();
    const got = await practitioner('GET', `/file_metadata/${forged.body.id}/content`);
    expect(got.status).toBe(404);
    expect(JSON.stringify(got.body)).not.toContain('victim');
  });

  it('ignores them in an edit, and sends the length of the stored bytes whatever the row says', async () => {
    const student = (await one(`SELECT id FROM student WHERE district = ANY($1) ORDER BY id LIMIT 1`, [districts])).id;
    const form = new FormData();
    form.append('document_type', 'Parental Consent');
    form.append('file', new Blob([new Uint8Array(samplePdf('district consent'))], { type: 'application/pdf' }), 'd.pdf');
    const auth = await signIn(app.url, 'districtAdmin');
    const doc = await (await fetch(`${app.url}/api/student/${student}/files`, { method: 'POST', headers: auth, body: form })).json();
    const other = await one(`SELECT storage_path FROM file_metadata WHERE storage_path LIKE 'student/%' AND id <> $1 ORDER BY id LIMIT 1`, [doc.id]);
    const edit = await districtAdmin('PUT', `/file_metadata/${doc.id}`, { storage_path: other.storage_path, file_size_bytes: 3, checksum: 'x' });
    expect(edit.status).toBe(200);
    expect(edit.body.storage_path).toBe(doc.storage_path);
    // Even a row changed behind the API's back cannot make the answer lie about its length.
    await db.pool.query(`UPDATE file_metadata SET file_size_bytes = 3 WHERE id = $1`, [doc.id]);
    const res = await fetch(`${app.url}/api/file_metadata/${doc.id}/content`, { headers: auth });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(samplePdf('district consent').length);
    expect(bytes.equals(samplePdf('district consent'))).toBe(true);
  });
});

describe('a PUT says which version it changes', () => {
  it('sends an ETag on GET and honours If-Match (412 on a stale one)', async () => {
    const got = await fetch(`${app.url}/api/claim/1`, { headers: await signIn(app.url, 'admin') });
    const etag = got.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const stale = await admin('PUT', '/claim/1', { carelon_id: 'ONE' }, { 'if-match': etag });
    expect(stale.status).toBe(200);
    expect(stale.headers.get('etag')).not.toBe(etag);
    const again = await admin('PUT', '/claim/1', { carelon_id: 'TWO' }, { 'if-match': etag });
    expect(again.status).toBe(412);
    expect(again.body.code).toBe('PRECONDITION_FAILED');
    expect((await one(`SELECT carelon_id FROM claim WHERE id = 1`)).carelon_id).toBe('ONE');
  });

  it('refuses a PUT with neither If-Match nor the version field with 428, saying what to send', async () => {
    const res = await admin('PUT', '/claim/2', { carelon_id: 'BLIND' }, { 'if-match': '' });
    expect(res.status).toBe(428);
    expect(res.body.message).toMatch(/If-Match.*updated_at/);
    const current = (await admin('GET', '/claim/2')).body;
    const whole = await admin('PUT', '/claim/2', { ...current, carelon_id: 'WHOLE' }, { 'if-match': '' });
    expect(whole.status).toBe(200);
  });

  it('refuses a body naming another id than the URL with 400', async () => {
    const before = await one(`SELECT carelon_id FROM claim WHERE id = 3`);
    const res = await admin('PUT', '/claim/3', { id: 4, carelon_id: 'WRONG' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveProperty('id');
    expect((await one(`SELECT carelon_id FROM claim WHERE id = 3`)).carelon_id).toBe(before.carelon_id);
  });
});
