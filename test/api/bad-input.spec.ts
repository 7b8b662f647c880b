import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { App } from '../../server/app.js';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { client, q, signIn, startServer } from '../support/server.js';

let db: TestDatabase;
let app: App;
let api: ReturnType<typeof client>;
let claim: Record<string, any>;
let student: Record<string, any>;
let service: Record<string, any>;

beforeAll(async () => {
  db = await testDatabase();
  app = await startServer(db);
  api = client(`${app.url}/api`, await signIn(app.url, 'admin'));
  claim = (await api('GET', '/claim/1')).body;
  student = (await api('GET', '/student/1')).body;
  service = (await api('GET', '/service/1')).body;
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const TABLES = ['claim', 'student', 'service', 'file_metadata', 'app_user'];
async function snapshot() {
  const out: Record<string, string> = {};
  for (const t of TABLES) out[t] = (await db.pool.query(`SELECT md5(coalesce(string_agg(to_jsonb(x)::text, '|' ORDER BY id), '')) AS h FROM ${t} x`)).rows[0].h;
  out.audit = (await db.pool.query(`SELECT count(*)::text AS n FROM audit_log`)).rows[0].n;
  return out;
}

const LEAKS = /SELECT |INSERT INTO|UPDATE "|DELETE FROM|syntax error|violates|relation "|column "|DETAIL|node_modules|\s+at \S+ \(|pg_|plpgsql/i;
type Case = [string, string, string, unknown?, Record<string, string>?, number?];

const deep = (n: number): unknown => (n === 0 ? 1 : { a: deep(n - 1) });
const L = (filter: string) => `/claim?filter=${filter}`;

const cases: Case[] = [
  // [what, method, path, body, headers, expected status]
  ['filter is not JSON', 'GET', L('%7B'), undefined, undefined, 400],
  ['filter is an array', 'GET', L(q([1])), undefined, undefined, 400],
  ['filter is a string', 'GET', L(q('x')), undefined, undefined, 400],
  ['filter names an unknown field', 'GET', L(q({ nope: 1 })), undefined, undefined, 400],
  ['filter key carries SQL', 'GET', L(q({ "status = 'Paid' OR 1=1 --": 1 })), undefined, undefined, 400],
  ['filter uses an unknown operator', 'GET', L(q({ status_regex: 'x' })), undefined, undefined, 400],
  ['filter gives text for an integer', 'GET', `/service?filter=${q({ duration_minutes: 'abc' })}`, undefined, undefined, 400],
  ['filter gives an impossible date', 'GET', L(q({ service_date: '2025-02-30' })), undefined, undefined, 400],
  ['filter gives a non-boolean', 'GET', L(q({ medi_cal_eligible: 'yes' })), undefined, undefined, 400],
  ['filter q is an object', 'GET', L(q({ q: { $ne: 1 } })), undefined, undefined, 400],
  ['filter _null is not a boolean', 'GET', L(q({ paid_amount_null: 'maybe' })), undefined, undefined, 400],
  ['filter IN holds nested arrays', 'GET', L(q({ id: [[1]] })), undefined, undefined, 400],
  ['filter IN beyond INTEGER', 'GET', L(q({ id: [2 ** 31] })), undefined, undefined, 400],
  ['filter _like on a number', 'GET', L(q({ billed_amount_like: '1' })), undefined, undefined, 400],
  ['filter given twice', 'GET', `/claim?filter=${q({})}&filter=${q({})}`, undefined, undefined, 400],
  ['sort is not JSON', 'GET', '/claim?sort=%5B', undefined, undefined, 400],
  ['sort has one element', 'GET', `/claim?sort=${q(['id'])}`, undefined, undefined, 400],
  ['sort order is not ASC/DESC', 'GET', `/claim?sort=${q(['id', 'SIDEWAYS'])}`, undefined, undefined, 400],
  ['sort field carries SQL', 'GET', `/claim?sort=${q(['id; DROP TABLE claim', 'ASC'])}`, undefined, undefined, 400],
  ['sort by an unknown field', 'GET', `/claim?sort=${q(['nope', 'ASC'])}`, undefined, undefined, 400],
  ['sort by a JSON field', 'GET', `/claim?sort=${q(['remittance_data', 'ASC'])}`, undefined, undefined, 400],
  ['range over 1,000 rows', 'GET', `/claim?range=${q([0, 5000])}`, undefined, undefined, 400],
  ['range negative', 'GET', `/claim?range=${q([-1, 5])}`, undefined, undefined, 400],
  ['range inverted', 'GET', `/claim?range=${q([10, 2])}`, undefined, undefined, 400],
  ['range fractional', 'GET', `/claim?range=${q([0.5, 3])}`, undefined, undefined, 400],
  ['range of strings', 'GET', `/claim?range=${q(['0', '9'])}`, undefined, undefined, 400],
  ['id is not a number', 'GET', '/claim/abc', undefined, undefined, 404],
  ['id overflows', 'GET', '/claim/99999999999999', undefined, undefined, 404],
  ['id carries SQL', 'GET', `/claim/${encodeURIComponent('1 OR 1=1')}`, undefined, undefined, 404],
  ['unknown resource', 'GET', '/no_such_table', undefined, undefined, 404],
  ['history of an unknown id', 'GET', '/claim/9999999/history', undefined, undefined, 404],
  ['body is an array', 'POST', '/modifier', [{ code: 'X' }], undefined, 400],
  ['body is a string', 'POST', '/modifier', '"code"', undefined, 400],
  ['body is malformed JSON', 'POST', '/modifier', '{"code":', undefined, 400],
  ['body is not JSON', 'POST', '/modifier', 'code=X', { 'content-type': 'text/plain' }, 415],
  ['unknown field', 'POST', '/modifier', { code: 'X1', colour: 'red' }, undefined, 400],
  ['__proto__ key', 'POST', '/modifier', '{"code":"X2","__proto__":{"admin":true}}', undefined, 400],
  ['"7" for an integer', 'PUT', '/service/1', { duration_minutes: '7' }, undefined, 400],
  ['"false" for a boolean', 'PUT', '/service/1', { is_group_service: 'false' }, undefined, 400],
  ['impossible date', 'PUT', '/student/1', { birthdate: '2025-02-30' }, undefined, 400],
  ['2^31 into INTEGER', 'PUT', '/service/1', { duration_minutes: 2 ** 31 }, undefined, 400],
  ['SMALLINT overflow', 'PUT', '/student/1', { grade: 40000 }, undefined, 400],
  ['NUL byte in text', 'PUT', '/student/1', { comments: 'a\u0000b' }, undefined, 400],
  ['lone surrogate in text', 'PUT', '/student/1', { comments: 'a\ud800b' }, undefined, 400],
  ['beyond NUMERIC(12,2)', 'PUT', '/claim/1', { billed_amount: 1e10 }, undefined, 400],
  ['three decimals into NUMERIC(12,2)', 'PUT', '/claim/1', { billed_amount: 1.234 }, undefined, 400],
  ['null for NOT NULL', 'PUT', '/student/1', { first_name: null }, undefined, 400],
  ['blank NOT NULL text', 'PUT', '/student/1', { last_name: '   ' }, undefined, 400],
  ['missing required fields on create', 'POST', '/student', { first_name: 'A' }, undefined, 400],
  ['value outside the declared choices', 'PUT', '/claim/1', { status: 'Bogus' }, undefined, 400],
  ['unknown modifier code', 'PUT', '/claim/1', { modifiers: ['HA', 'ZZ9'] }, undefined, 400],
  ['non-string in TEXT[]', 'PUT', '/claim/1', { modifiers: ['HA', 5] }, undefined, 400],
  ['NUL inside JSONB', 'PUT', '/claim/1', { remittance_data: { note: 'a\u0000' } }, undefined, 400],
  ['JSONB nested 100 deep', 'PUT', '/claim/1', { remittance_data: deep(100) }, undefined, 400],
  ['invalid time', 'PUT', '/service/1', { service_time: '25:00' }, undefined, 400],
  ['timestamp without a zone (the lock version)', 'PUT', '/claim/1', { updated_at: '2025-01-01 10:00' }, undefined, 400],
  ['file names no resource', 'PUT', '/file_metadata/1', { entity_table: 'pg_authid' }, undefined, 400],
  ['duplicate unique value', 'PUT', '/claim/2', { claim_number: 'CLM-00000001' }, undefined, 409],
  ['reference to a missing parent', 'PUT', '/service/1', { student_id: 999999 }, undefined, 409],
  ['reference by ssid to a missing student', 'PUT', '/claim/1', { student_ssid: 'NOPE' }, undefined, 409],
  ['delete blocked by children', 'DELETE', '/student/1', undefined, { 'content-type': 'text/plain' }, 409],
  ['mass assignment riding on a bad field', 'POST', '/modifier', { id: 1, created_by: 2, updated_at: '2000-01-01T00:00:00Z', code: 5 }, undefined, 400],
  ['change reason over 500 characters', 'PUT', '/student/1', { comments: 'x' }, { 'x-change-reason': 'r'.repeat(600) }, 400],
  ['write to the audit log', 'PUT', '/audit_log/1', { reason: 'rewrite' }, undefined, 405],
  ['delete from the audit log', 'DELETE', '/audit_log/1', undefined, undefined, 405],
  ['revert an unknown event', 'POST', '/audit_log/99999999/revert', undefined, undefined, 404],
  ['revert a change set that is not a number', 'POST', '/audit_log/revert-change-set/abc', undefined, undefined, 404],
  ['preview the undo of an unknown event', 'POST', '/audit_log/99999999/revert/preview', undefined, undefined, 404],
  ['preview the undo of an event id that is not a number', 'POST', '/audit_log/abc/revert/preview', undefined, undefined, 404],
  ['preview the undo of a change set that is not a number', 'POST', '/audit_log/revert-change-set/-1/preview', undefined, undefined, 404],
  ['write to the sign-in log', 'PUT', '/auth_event/1', { outcome: 'success' }, undefined, 405],
  ['body over the size limit', 'POST', '/modifier', { code: 'x'.repeat(2 * 1024 * 1024) }, undefined, 413],
];

describe('bad input gets a clear 4xx and changes nothing', () => {
  it(`covers at least 40 cases (${cases.length})`, () => expect(cases.length).toBeGreaterThanOrEqual(40));

  for (const [what, method, path, body, headers, status] of cases) {
    it(`${method} ${what} -> ${status}`, async () => {
      const before = await snapshot();
      const res = await api(method, path, body, headers);
      expect(res.status).toBe(status);
      expect(typeof res.body.message).toBe('string');
      expect(typeof res.body.code).toBe('string');
      expect(JSON.stringify(res.body)).not.toMatch(LEAKS);
      expect(await snapshot()).toEqual(before);
    });
  }

  it('names the offending field in errors, as react-admin shows it on the form', async () => {
    const res = await api('PUT', '/claim/1', { modifiers: ['HA', 'ZZ9'], billed_amount: 'ten' });
    expect(res.body.errors).toEqual({ billed_amount: 'must be a number' });
    const unique = await api('PUT', '/claim/2', { claim_number: claim.claim_number });
    expect(unique.body.errors).toEqual({ claim_number: expect.stringMatching(/unique/) });
    const modifier = await api('PUT', '/claim/1', { modifiers: ['HA', 'ZZ9'] });
    expect(modifier.body.errors).toEqual({ modifiers: 'unknown modifier: ZZ9' });
    const created = await api('POST', '/student', {});
    expect(Object.keys(created.body.errors).sort()).toEqual(['birthdate', 'district', 'first_name', 'last_name', 'ssid']);
  });

  it('takes a change reason that is not URI-encoded as plain text', async () => {
    const res = await api('PUT', '/student/1', { comments: 'reason test' }, { 'x-change-reason': '100% sure' });
    expect(res.status).toBe(200);
    const [event] = (await api('GET', '/student/1/history')).body;
    expect(event.reason).toBe('100% sure');
  });

  it('ignores server-managed fields on write and sets them itself', async () => {
    const other = (await db.pool.query(`SELECT id FROM app_user WHERE email = 'supervisor@demo.kcsos.invalid'`)).rows[0].id;
    const res = await api('POST', '/modifier', { id: 424242, code: 'MA', created_by: other, updated_by: other, created_at: '2000-01-01T00:00:00Z', updated_at: '2000-01-01T00:00:00Z' });
    expect(res.status).toBe(201);
    expect(res.body.id).not.toBe(424242);
    expect(res.body.created_by).not.toBe(other);
    expect(res.body.created_by).toBe(res.body.updated_by);
    expect(Date.parse(res.body.created_at)).toBeGreaterThan(Date.parse('2020-01-01'));
    expect({ student, service }).toBeTruthy();
  });
});
