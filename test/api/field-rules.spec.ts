import { describe, expect, it } from '@jest/globals';
import { serverForTests } from '../support/server.js';

/** Value rules declared beside the entities (`rules`, `ordered`): clear 400s on the field, nothing written. */
const ctx = serverForTests();
const one = async (sql: string, params: unknown[] = []) => (await ctx.db.pool.query(sql, params)).rows[0];

describe('declared value rules', () => {
  it.each([
    ['app_user', 'email', 'not-an-email', 'must be an email address'],
    ['student', 'birthdate', '2099-01-01', 'cannot be in the future'],
    ['student', 'grade', -4, 'must be at least -1'],
    ['student', 'grade', 13, 'must be at most 12'],
    ['student', 'first_name', 'x'.repeat(5000), 'must be at most 100 characters'],
    ['claim', 'billed_amount', -5, 'must be at least 0'],
    ['claim', 'modifiers', ['HA', 'HA'], 'must not repeat a value'],
    ['fee_schedule_code', 'base_minutes', -3, 'must be at least 0'],
    ['fee_schedule_code', 'rate_amount', -50, 'must be at least 0'],
    ['fee_schedule_code', 'effective_year', 99999, 'must be at most 2100'],
    ['organization', 'contact_email', 'nobody', 'must be an email address'],
  ])('%s.%s = %j is refused on update: %s', async (resource, field, value, why) => {
    const before = await one(`SELECT * FROM ${resource} ORDER BY id LIMIT 1`);
    const events = (await one(`SELECT count(*)::int AS n FROM audit_log`)).n;
    const res = await ctx.api('PUT', `/${resource}/${before.id}`, { [field]: value });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual({ [field]: why });
    expect(await one(`SELECT * FROM ${resource} WHERE id = $1`, [before.id])).toEqual(before);
    expect((await one(`SELECT count(*)::int AS n FROM audit_log`)).n).toBe(events);
  });

  it('is checked on create too, with every broken rule reported at once', async () => {
    const res = await ctx.api('POST', '/fee_schedule_code', { procedure_code: 'R1', service_description: 'Rules', service_category: 'Treatment', rate_amount: -1, effective_year: 1900 });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual({ rate_amount: 'must be at least 0', effective_year: 'must be at least 2000' });
    expect(await one(`SELECT id FROM fee_schedule_code WHERE procedure_code = 'R1'`)).toBeUndefined();
  });

  it('ignores fields only the server writes (a user\'s last sign-in), and tells the console they are read-only', async () => {
    const user = await one(`SELECT id, last_login FROM app_user WHERE last_login IS NOT NULL ORDER BY id LIMIT 1`);
    const res = await ctx.api('PUT', `/app_user/${user.id}`, { last_login: '2001-01-01T00:00:00Z', department: 'Rules' });
    expect(res.status).toBe(200);
    expect((await one(`SELECT last_login FROM app_user WHERE id = $1`, [user.id])).last_login).toEqual(user.last_login);
    const meta = (await ctx.api('GET', '/meta')).body.resources.find((r: { name: string }) => r.name === 'app_user');
    expect(meta.fields.find((f: { name: string }) => f.name === 'last_login').readOnly).toBe(true);
  });

  it('accepts values within the rules', async () => {
    const student = await one(`SELECT id FROM student ORDER BY id LIMIT 1`);
    const res = await ctx.api('PUT', `/student/${student.id}`, { grade: 12, birthdate: '2012-03-04' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ grade: 12, birthdate: '2012-03-04' });
  });

  it('does not refuse a whole-record save for a value the record already held', async () => {
    const claim = await one(`SELECT id FROM claim ORDER BY id LIMIT 1`);
    await ctx.db.pool.query(`UPDATE claim SET billed_amount = -1 WHERE id = $1`, [claim.id]);
    const loaded = (await ctx.api('GET', `/claim/${claim.id}`)).body;
    const res = await ctx.api('PUT', `/claim/${claim.id}`, { ...loaded, batch_number: 'RULES-1' });
    expect(res.status).toBe(200);
    expect(res.body.batch_number).toBe('RULES-1');
  });

  it('keeps ordered pairs in order, against the stored value when only one side changes', async () => {
    const code = await one(`SELECT id FROM fee_schedule_code ORDER BY id LIMIT 1`);
    expect((await ctx.api('PUT', `/fee_schedule_code/${code.id}`, { group_size_min: 2, group_size_max: 8 })).status).toBe(200);
    const both = await ctx.api('PUT', `/fee_schedule_code/${code.id}`, { group_size_min: 10, group_size_max: 2 });
    expect(both.status).toBe(400);
    expect(both.body.errors).toEqual({ group_size_max: 'must be at least group size min' });
    const low = await ctx.api('PUT', `/fee_schedule_code/${code.id}`, { group_size_min: 9 });
    expect(low.status).toBe(400);
    expect(low.body.errors).toEqual({ group_size_min: 'must be at most group size max' });
    expect(await one(`SELECT group_size_min, group_size_max FROM fee_schedule_code WHERE id = $1`, [code.id])).toEqual({ group_size_min: 2, group_size_max: 8 });
    const service = await one(`SELECT id FROM service ORDER BY id LIMIT 1`);
    const times = await ctx.api('PUT', `/service/${service.id}`, { service_time: '10:00', end_time: '09:30' });
    expect(times.status).toBe(400);
    expect(times.body.errors).toEqual({ end_time: 'must be at least service time' });
  });
});

describe('fields copied from a referenced record (copiedFrom)', () => {
  it("copies a claim's student's name and birthdate when its student changes, and on create where left out", async () => {
    const claim = await one(`SELECT id, student_ssid FROM claim WHERE student_ssid IS NOT NULL ORDER BY id LIMIT 1`);
    const other = await one(`SELECT ssid, first_name, last_name, birthdate::text AS birthdate FROM student WHERE ssid <> $1 ORDER BY id LIMIT 1`, [claim.student_ssid]);
    const loaded = (await ctx.api('GET', `/claim/${claim.id}`)).body;
    // The console sends the whole record back, old name included: the new student's wins.
    const res = await ctx.api('PUT', `/claim/${claim.id}`, { ...loaded, student_ssid: other.ssid });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ student_ssid: other.ssid, student_name: `${other.last_name}, ${other.first_name}`, student_dob: other.birthdate });
    const [event] = (await ctx.api('GET', `/claim/${claim.id}/history`)).body;
    expect(event.changes.map((c: { field: string }) => c.field).sort()).toEqual(expect.arrayContaining(['student_dob', 'student_name', 'student_ssid']));

    // A save that keeps the student keeps the name as billed, even if the student was renamed since.
    await ctx.db.pool.query(`UPDATE student SET last_name = 'Renamed' WHERE ssid = $1`, [other.ssid]);
    const again = await ctx.api('PUT', `/claim/${claim.id}`, { ...res.body, batch_number: 'COPY-2' });
    expect(again.body.student_name).toBe(`${other.last_name}, ${other.first_name}`);

    const created = await ctx.api('POST', '/claim', { claim_number: 'COPY-NEW-1', status: 'Incomplete', district: 'Kern High School District', student_ssid: other.ssid });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ student_name: `Renamed, ${other.first_name}`, student_dob: other.birthdate });
    const named = await ctx.api('POST', '/claim', { claim_number: 'COPY-NEW-2', status: 'Incomplete', district: 'Kern High School District', student_ssid: other.ssid, student_name: 'As billed in 2024' });
    expect(named.body.student_name).toBe('As billed in 2024');

    const cleared = await ctx.api('PUT', `/claim/${claim.id}`, { student_ssid: null });
    expect(cleared.body).toMatchObject({ student_ssid: null, student_name: null, student_dob: null });
  });
});

describe('combinations no two records may share (uniqueTogether)', () => {
  const body = (year: number, code = 'U9001') => ({ procedure_code: code, service_description: 'Unique test', service_category: 'Treatment', effective_year: year });

  it('refuses a second fee schedule code for the same procedure code and year, on create and on update', async () => {
    const first = await ctx.api('POST', '/fee_schedule_code', body(2026));
    expect(first.status).toBe(201);
    const again = await ctx.api('POST', '/fee_schedule_code', body(2026));
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(`Another fee schedule code (#${first.body.id}) already has this procedure code and effective year`);
    expect(Object.keys(again.body.errors).sort()).toEqual(['effective_year', 'procedure_code']);
    const next = await ctx.api('POST', '/fee_schedule_code', body(2027));
    expect(next.status).toBe(201);
    expect((await ctx.api('PUT', `/fee_schedule_code/${next.body.id}`, { effective_year: 2026 })).status).toBe(409);
    // Saving a record with its own combination unchanged is fine.
    expect((await ctx.api('PUT', `/fee_schedule_code/${first.body.id}`, { ...first.body, notes: 'kept' })).status).toBe(200);
    expect((await one(`SELECT count(*)::int AS n FROM fee_schedule_code WHERE procedure_code = 'U9001'`)).n).toBe(2);
  });

  it('lets exactly one of several concurrent creates of the same combination through', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => ctx.api('POST', '/fee_schedule_code', body(2030, 'U9002'))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect((await one(`SELECT count(*)::int AS n FROM fee_schedule_code WHERE procedure_code = 'U9002'`)).n).toBe(1);
  });
});
