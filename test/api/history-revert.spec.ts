import { describe, expect, it } from '@jest/globals';
import { serverForTests } from '../support/server.js';

const ctx = serverForTests();

const auditCount = async () => Number((await ctx.db.pool.query(`SELECT count(*) FROM audit_log`)).rows[0].count);
const history = async (resource: string, id: number) => (await ctx.api('GET', `/${resource}/${id}/history`)).body;

describe('optimistic locking', () => {
  it('applies a PUT carrying the loaded updated_at, refuses a stale one with 409 and the current record', async () => {
    const loaded = (await ctx.api('GET', '/student/2')).body;
    const first = await ctx.api('PUT', '/student/2', { ...loaded, birthdate: '2012-05-06' });
    expect(first.status).toBe(200);
    expect(first.body.birthdate).toBe('2012-05-06');
    expect(first.body.updated_at).not.toBe(loaded.updated_at);
    const audits = await auditCount();
    const stale = await ctx.api('PUT', '/student/2', { ...loaded, comments: 'my edit' });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/changed this record since you loaded it/);
    expect(stale.body.current).toMatchObject({ id: 2, birthdate: '2012-05-06', updated_at: first.body.updated_at });
    expect(await auditCount()).toBe(audits);
    expect((await ctx.api('GET', '/student/2')).body.comments).toBe(loaded.comments);
  });

  it('applies a PUT without updated_at (updateMany) to the fields it carries only', async () => {
    const before = (await ctx.api('GET', '/student/3')).body;
    const res = await ctx.api('PUT', '/student/3', { status: 'Inactive' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ...before, status: 'Inactive', updated_at: res.body.updated_at, last_modified_at: res.body.last_modified_at, updated_by: res.body.updated_by });
  });

  it('writes nothing for a PUT that changes nothing', async () => {
    const loaded = (await ctx.api('GET', '/student/4')).body;
    const audits = await auditCount();
    const res = await ctx.api('PUT', '/student/4', loaded);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(loaded);
    expect(await auditCount()).toBe(audits);
  });

  it('lets exactly one of two racing PUTs from the same loaded state win', async () => {
    const loaded = (await ctx.api('GET', '/student/5')).body;
    const results = await Promise.all([
      ctx.api('PUT', '/student/5', { ...loaded, comments: 'A' }),
      ctx.api('PUT', '/student/5', { ...loaded, comments: 'B' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect((await history('student', 5)).filter((e: { action: string }) => e.action === 'UPDATE')).toHaveLength(1);
  });
});

describe('history', () => {
  it('lists a record\'s events newest first with who, when, change set, reason and per-field diffs', async () => {
    const created = (await ctx.api('POST', '/modifier', { code: 'H1', description: 'first' }, { 'x-change-reason': 'new modifier' })).body;
    await ctx.api('PUT', `/modifier/${created.id}`, { description: 'second', notes: 'n' }, { 'x-change-reason': encodeURIComponent('fix typo — é') });
    const events = await history('modifier', created.id);
    expect(events.map((e: { action: string }) => e.action)).toEqual(['UPDATE', 'INSERT']);
    const admin = (await ctx.db.pool.query(`SELECT id, first_name || ' ' || last_name AS name FROM app_user WHERE email = 'admin@demo.kcsos.invalid'`)).rows[0];
    expect(events[0]).toMatchObject({ resource: 'modifier', record_id: created.id, user_id: admin.id, user_name: admin.name, reason: 'fix typo — é' });
    expect(events[0].changes).toEqual([
      { field: 'description', before: 'first', after: 'second' },
      { field: 'notes', before: null, after: 'n' },
    ]);
    expect(events[1].changes).toContainEqual({ field: 'code', before: null, after: 'H1' });
    expect(typeof events[0].change_set).toBe('number');
  });

  it('is still served after the record is deleted', async () => {
    const created = (await ctx.api('POST', '/modifier', { code: 'H2' })).body;
    expect((await ctx.api('DELETE', `/modifier/${created.id}`, undefined, { 'content-type': 'text/plain' })).status).toBe(200);
    expect((await ctx.api('GET', `/modifier/${created.id}`)).status).toBe(404);
    const events = await history('modifier', created.id);
    expect(events.map((e: { action: string }) => e.action)).toEqual(['DELETE', 'INSERT']);
    expect(events[0].changes).toContainEqual({ field: 'code', before: 'H2', after: null });
  });
});

describe('revert', () => {
  const revert = (eventId: number, headers?: Record<string, string>) => ctx.api('POST', `/audit_log/${eventId}/revert`, undefined, headers);

  it('undoes an UPDATE\'s delta only, as an audited write whose reason names the event', async () => {
    const loaded = (await ctx.api('GET', '/claim/10')).body;
    await ctx.api('PUT', '/claim/10', { ...loaded, modifiers: ['HA', '95'], carelon_id: 'C1' });
    await ctx.api('PUT', '/claim/10', { batch_number: 'LATER' }); // a later, unrelated change
    const [, update] = await history('claim', 10);
    const res = await revert(update.id);
    expect(res.status).toBe(200);
    const now = (await ctx.api('GET', '/claim/10')).body;
    expect(now).toMatchObject({ modifiers: loaded.modifiers, carelon_id: loaded.carelon_id, batch_number: 'LATER' });
    const [latest] = await history('claim', 10);
    expect(latest.reason).toBe(`Revert of event #${update.id}`);
  });

  it('refuses with 409 when a field changed since, listing before, after and now', async () => {
    const loaded = (await ctx.api('GET', '/claim/11')).body;
    await ctx.api('PUT', '/claim/11', { ...loaded, status: 'Rejected' });
    const [event] = await history('claim', 11);
    await ctx.api('PUT', '/claim/11', { status: 'Approved' });
    const audits = await auditCount();
    const res = await revert(event.id);
    expect(res.status).toBe(409);
    expect(res.body.conflicts).toEqual([{ field: 'status', before: loaded.status, after: 'Rejected', now: 'Approved' }]);
    expect(await auditCount()).toBe(audits);
  });

  it('reverting a revert restores the state', async () => {
    const loaded = (await ctx.api('GET', '/student/6')).body;
    await ctx.api('PUT', '/student/6', { ...loaded, birthdate: '2010-10-10' });
    const [edit] = await history('student', 6);
    await revert(edit.id);
    expect((await ctx.api('GET', '/student/6')).body.birthdate).toBe(loaded.birthdate);
    const [undo] = await history('student', 6);
    expect((await revert(undo.id)).status).toBe(200);
    expect((await ctx.api('GET', '/student/6')).body.birthdate).toBe('2010-10-10');
  });

  it('undoes a DELETE by re-inserting the row with its id', async () => {
    const created = (await ctx.api('POST', '/practitioner_type', { code: 'TMP', description: 'temporary' })).body;
    await ctx.api('DELETE', `/practitioner_type/${created.id}`, undefined, { 'content-type': 'text/plain' });
    const [deletion] = await history('practitioner_type', created.id);
    expect((await revert(deletion.id)).status).toBe(200);
    expect((await ctx.api('GET', `/practitioner_type/${created.id}`)).body).toMatchObject({ id: created.id, code: 'TMP', description: 'temporary' });
  });

  it('refuses to undo a DELETE when a unique value is taken again (409)', async () => {
    const created = (await ctx.api('POST', '/practitioner_type', { code: 'TMP2', description: 'x' })).body;
    await ctx.api('DELETE', `/practitioner_type/${created.id}`, undefined, { 'content-type': 'text/plain' });
    const [deletion] = await history('practitioner_type', created.id);
    await ctx.api('POST', '/practitioner_type', { code: 'TMP2', description: 'taken' });
    const res = await revert(deletion.id);
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual({ code: expect.any(String) });
  });

  it('undoes an INSERT by deleting the row if unchanged since, else 409', async () => {
    const a = (await ctx.api('POST', '/modifier', { code: 'I1' })).body;
    const [insertA] = await history('modifier', a.id);
    expect((await revert(insertA.id)).status).toBe(200);
    expect((await ctx.api('GET', `/modifier/${a.id}`)).status).toBe(404);

    const b = (await ctx.api('POST', '/modifier', { code: 'I2' })).body;
    const [insertB] = await history('modifier', b.id);
    await ctx.api('PUT', `/modifier/${b.id}`, { description: 'edited' });
    const res = await revert(insertB.id);
    expect(res.status).toBe(409);
    expect(res.body.conflicts).toEqual([{ field: 'description', before: null, after: null, now: 'edited' }]);
  });

  it('undoes a whole change set in one transaction: a cascading delete comes back with its children', async () => {
    const code = (await ctx.api('POST', '/fee_schedule_code', { procedure_code: 'X9999', service_description: 'test', service_category: 'Treatment' })).body;
    await ctx.api('POST', '/fee_code_modifier', { fee_schedule_code_id: code.id, modifier_id: 1 });
    await ctx.api('POST', '/fee_code_practitioner_type', { fee_schedule_code_id: code.id, practitioner_type_id: 1 });
    await ctx.api('DELETE', `/fee_schedule_code/${code.id}`, undefined, { 'content-type': 'text/plain' });
    const [deletion] = await history('fee_schedule_code', code.id);
    const set = (await ctx.db.pool.query(`SELECT table_name FROM audit_log WHERE txid = $1 ORDER BY id`, [deletion.change_set])).rows.map((r) => r.table_name);
    expect(set.sort()).toEqual(['fee_code_modifier', 'fee_code_practitioner_type', 'fee_schedule_code']);
    const res = await ctx.api('POST', `/audit_log/revert-change-set/${deletion.change_set}`);
    expect(res.status).toBe(200);
    expect(res.body.records.map((r: { action: string }) => r.action)).toEqual(['restored', 'restored', 'restored']);
    expect((await ctx.api('GET', `/fee_code_modifier?filter=${encodeURIComponent(JSON.stringify({ fee_schedule_code_id: code.id }))}`)).body).toHaveLength(1);
  });

  it('undoes a change set all or nothing: one conflict leaves everything as it was', async () => {
    const code = (await ctx.api('POST', '/fee_schedule_code', { procedure_code: 'X8888', service_description: 'test', service_category: 'Treatment' })).body;
    await ctx.api('POST', '/fee_code_modifier', { fee_schedule_code_id: code.id, modifier_id: 2 });
    await ctx.api('DELETE', `/fee_schedule_code/${code.id}`, undefined, { 'content-type': 'text/plain' });
    const [deletion] = await history('fee_schedule_code', code.id);
    // Someone re-creates the code meanwhile, with the same id taken by a restore from elsewhere.
    await ctx.db.pool.query(`INSERT INTO fee_schedule_code (id, procedure_code, service_description, service_category) VALUES ($1, 'X8888', 'again', 'Treatment')`, [code.id]);
    const audits = await auditCount();
    const res = await ctx.api('POST', `/audit_log/revert-change-set/${deletion.change_set}`);
    expect(res.status).toBe(409);
    expect(await auditCount()).toBe(audits);
    expect((await ctx.api('GET', `/fee_code_modifier?filter=${encodeURIComponent(JSON.stringify({ fee_schedule_code_id: code.id }))}`)).body).toHaveLength(0);
  });

  it('lets only one of two racing reverts of the same event win', async () => {
    const loaded = (await ctx.api('GET', '/student/7')).body;
    await ctx.api('PUT', '/student/7', { ...loaded, comments: 'race' });
    const [edit] = await history('student', 7);
    const results = await Promise.all([revert(edit.id), revert(edit.id)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });
});
