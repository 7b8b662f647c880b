import { describe, expect, it } from '@jest/globals';
import { client, serverForTests, signIn } from '../support/server.js';

const ctx = serverForTests();

const history = async (resource: string, id: number) => (await ctx.api('GET', `/${resource}/${id}/history`)).body;
const remove = (path: string) => ctx.api('DELETE', path, undefined, { 'content-type': 'text/plain' });

/** Every row of the tables, and the audit log's size and last id: what a preview must leave as it found. */
async function snapshot(tables: string[]) {
  const out: Record<string, unknown> = {};
  for (const t of tables) out[t] = (await ctx.db.pool.query(`SELECT to_jsonb(x) AS j FROM ${t} x ORDER BY id`)).rows.map((r) => r.j);
  out.audit = (await ctx.db.pool.query(`SELECT count(*)::int AS n, max(id)::text AS last FROM audit_log`)).rows[0];
  return out;
}

describe('undo preview', () => {
  it('of one event: says what would change, and changes nothing', async () => {
    const created = (await ctx.api('POST', '/modifier', { code: 'P1', description: 'first' })).body;
    await ctx.api('PUT', `/modifier/${created.id}`, { description: 'second' });
    const [edit] = await history('modifier', created.id);
    const before = await snapshot(['modifier']);
    const res = await ctx.api('POST', `/audit_log/${edit.id}/revert/preview`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ can_undo: true, events: 1, problems: [], missing_permissions: [], undone_by: null });
    expect(res.body.changes).toEqual([{ event_id: edit.id, resource: 'modifier', id: created.id, action: 'updated', changes: [{ field: 'description', now: 'second', to: 'first' }] }]);
    expect(await snapshot(['modifier'])).toEqual(before);
  });

  it('of a change set with a conflict: names the conflict, and changes nothing in any table it touched', async () => {
    const code = (await ctx.api('POST', '/fee_schedule_code', { procedure_code: 'X7777', service_description: 'test', service_category: 'Treatment' })).body;
    await ctx.api('POST', '/fee_code_modifier', { fee_schedule_code_id: code.id, modifier_id: 2 });
    await ctx.api('POST', '/fee_code_practitioner_type', { fee_schedule_code_id: code.id, practitioner_type_id: 1 });
    expect((await remove(`/fee_schedule_code/${code.id}`)).status).toBe(200);
    const [deletion] = await history('fee_schedule_code', code.id);
    const tables = ['fee_schedule_code', 'fee_code_modifier', 'fee_code_practitioner_type'];

    const before = await snapshot(tables);
    const clean = await ctx.api('POST', `/audit_log/revert-change-set/${deletion.change_set}/preview`);
    expect(clean.status).toBe(200);
    expect(clean.body).toMatchObject({ can_undo: true, events: 3, problems: [] });
    expect(clean.body.changes.map((c: { action: string }) => c.action)).toEqual(['restored', 'restored', 'restored']);
    expect(await snapshot(tables)).toEqual(before);

    // Someone puts a code back under the same id meanwhile: the restore of it would conflict.
    await ctx.db.pool.query(`INSERT INTO fee_schedule_code (id, procedure_code, service_description, service_category) VALUES ($1, 'X7777', 'again', 'Treatment')`, [code.id]);
    const blocked = await snapshot(tables);
    const res = await ctx.api('POST', `/audit_log/revert-change-set/${deletion.change_set}/preview`);
    expect(res.status).toBe(200);
    expect(res.body.can_undo).toBe(false);
    expect(res.body.problems).toEqual([expect.objectContaining({ kind: 'conflict', resource: 'fee_schedule_code', record_id: code.id, message: expect.stringMatching(/exists again/) })]);
    expect(await snapshot(tables)).toEqual(blocked);
    // The undo itself agrees with its preview.
    expect((await ctx.api('POST', `/audit_log/revert-change-set/${deletion.change_set}`)).status).toBe(409);
  });

  it('lists the fields changed since, as a conflict', async () => {
    const created = (await ctx.api('POST', '/modifier', { code: 'P2', description: 'one' })).body;
    await ctx.api('PUT', `/modifier/${created.id}`, { description: 'two' });
    const [edit] = await history('modifier', created.id);
    await ctx.api('PUT', `/modifier/${created.id}`, { description: 'three' });
    const res = await ctx.api('POST', `/audit_log/${edit.id}/revert/preview`);
    expect(res.body.can_undo).toBe(false);
    expect(res.body.problems[0]).toMatchObject({ kind: 'conflict', conflicts: [{ field: 'description', before: 'one', after: 'two', now: 'three' }] });
  });

  it('names the permission missing: support may not delete modifiers, a supervisor may not undo at all', async () => {
    const created = (await ctx.api('POST', '/modifier', { code: 'P3' })).body;
    const [insert] = await history('modifier', created.id);
    const support = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'support'));
    const before = await snapshot(['modifier']);
    const res = await support('POST', `/audit_log/${insert.id}/revert/preview`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ can_undo: false, missing_permissions: ['modifier.delete'] });
    expect(res.body.problems).toEqual([expect.objectContaining({ kind: 'permission', permission: 'modifier.delete', event_id: insert.id })]);
    expect(await snapshot(['modifier'])).toEqual(before);

    const supervisor = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'supervisor'));
    const denied = await supervisor('POST', `/audit_log/${insert.id}/revert/preview`);
    expect(denied.status).toBe(200);
    expect(denied.body.can_undo).toBe(false);
    expect(denied.body.missing_permissions).toContain('audit.revert');
    // A role that may neither browse the trail nor undo is refused, as by the undo.
    const practitioner = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'practitioner'));
    expect((await practitioner('POST', `/audit_log/${insert.id}/revert/preview`)).status).toBe(403);
  });

  it('answers "not found" for an event the caller may not see, naming neither its table nor its record', async () => {
    const user = (await ctx.db.pool.query(`SELECT id, department FROM app_user WHERE email = 'practitioner@demo.kcsos.invalid'`)).rows[0];
    await ctx.api('PUT', `/app_user/${user.id}`, { department: 'Preview test' });
    const [edit] = await history('app_user', user.id);
    const support = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'support'));
    const one = await support('POST', `/audit_log/${edit.id}/revert/preview`);
    expect(one.status).toBe(404);
    expect(one.body.message).toBe(`Audit event ${edit.id} not found`);
    const set = await support('POST', `/audit_log/revert-change-set/${edit.change_set}/preview`);
    expect(set.status).toBe(404);
    expect(set.body.message).toBe(`Change set ${edit.change_set} not found`);
    expect(JSON.stringify([one.body, set.body])).not.toMatch(/app_user|User/);
    expect((await ctx.api('POST', `/audit_log/99999999/revert/preview`)).status).toBe(404);
    expect((await ctx.api('POST', `/audit_log/revert-change-set/abc/preview`)).status).toBe(404);
  });

  it('of an event already undone: names the undo and offers none', async () => {
    const created = (await ctx.api('POST', '/modifier', { code: 'P4', description: 'a' })).body;
    await ctx.api('PUT', `/modifier/${created.id}`, { description: 'b' });
    const [edit] = await history('modifier', created.id);
    const undo = await ctx.api('POST', `/audit_log/${edit.id}/revert`);
    expect(undo.status).toBe(200);
    const [undoEvent] = await history('modifier', created.id);
    const res = await ctx.api('POST', `/audit_log/${edit.id}/revert/preview`);
    expect(res.body.can_undo).toBe(false);
    expect(res.body.undone_by).toEqual({ change_set: undoEvent.change_set, occurred_at: expect.any(String) });
    // The history says so by the link the undo recorded: its event names what it undid.
    expect(undoEvent.undoes).toEqual({ event: edit.id, change_set: null });
    expect(edit.undoes).toBeNull();
  });

  it('"already undone" is a recorded link, not the wording of a reason', async () => {
    const created = (await ctx.api('POST', '/modifier', { code: 'P5', description: 'a' })).body;
    await ctx.api('PUT', `/modifier/${created.id}`, { description: 'b' });
    const [edit] = await history('modifier', created.id);
    // An edit whose own reason imitates an undo's mark undoes nothing.
    const imitation = await ctx.api('PUT', `/modifier/${created.id}`, { description: 'c' }, { 'x-change-reason': `Revert of event #${edit.id}` });
    expect(imitation.status).toBe(200);
    expect((await history('modifier', created.id))[0].undoes).toBeNull();
    const undos = await ctx.api('GET', `/audit_log?filter=${encodeURIComponent(JSON.stringify({ undo: true, table_name: 'modifier' }))}&range=%5B0%2C999%5D`);
    expect(undos.body.map((e: { id: string }) => Number(e.id))).not.toContain((await history('modifier', created.id))[0].id);
    // The first edit is not undone by it: its undo is still offered (and conflicts, the record having changed since).
    expect((await ctx.api('POST', `/audit_log/${edit.id}/revert/preview`)).body.undone_by).toBeNull();
    // The last edit's change set undone, with a reason of the user's own: linked, whatever the words.
    const [last] = await history('modifier', created.id);
    expect((await ctx.api('POST', `/audit_log/revert-change-set/${last.change_set}`, undefined, { 'x-change-reason': 'typo' })).status).toBe(200);
    const [undoEvent] = await history('modifier', created.id);
    expect(undoEvent.undoes).toEqual({ event: null, change_set: last.change_set });
    expect((await ctx.api('POST', `/audit_log/${last.id}/revert/preview`)).body.undone_by).toEqual({ change_set: undoEvent.change_set, occurred_at: expect.any(String) });
    const listed = await ctx.api('GET', `/audit_log?filter=${encodeURIComponent(JSON.stringify({ undo: true, table_name: 'modifier' }))}&range=%5B0%2C999%5D`);
    expect(listed.body.map((e: { id: string }) => Number(e.id))).toContain(undoEvent.id);
  });
});
