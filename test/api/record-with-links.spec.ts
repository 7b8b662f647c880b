import { describe, expect, it } from '@jest/globals';
import { client, serverForTests, signIn } from '../support/server.js';

const ctx = serverForTests();

const modifiersOf = async (id: number) =>
  (await ctx.db.pool.query(`SELECT id, modifier_id, is_required, context_note FROM fee_code_modifier WHERE fee_schedule_code_id = $1 ORDER BY id`, [id])).rows;
const eventsSince = async (last: string) => (await ctx.db.pool.query(`SELECT table_name, txid FROM audit_log WHERE id > $1 ORDER BY id`, [last])).rows;
const lastEvent = async () => (await ctx.db.pool.query(`SELECT coalesce(max(id), 0) AS id FROM audit_log`)).rows[0].id as string;
const grant = (name: string, column: string, value: boolean) => ctx.db.pool.query(`UPDATE permission_item SET ${column} = $2 WHERE name = $1`, [name, value]);

/** A fee code with a modifier, and a modifier it does not have yet. */
async function feeCode() {
  const { rows } = await ctx.db.pool.query(
    `SELECT f.id FROM fee_schedule_code f WHERE EXISTS (SELECT 1 FROM fee_code_modifier m WHERE m.fee_schedule_code_id = f.id)
      AND (SELECT count(*) FROM fee_code_modifier m WHERE m.fee_schedule_code_id = f.id) < (SELECT count(*) FROM modifier) ORDER BY f.id LIMIT 1`,
  );
  const id = rows[0].id as number;
  const modifiers = await modifiersOf(id);
  const other = (await ctx.db.pool.query(`SELECT id FROM modifier WHERE id <> ALL($1) ORDER BY id LIMIT 1`, [modifiers.map((m) => m.modifier_id)])).rows[0].id as number;
  const loaded = (await ctx.api('GET', `/fee_schedule_code/${id}`)).body;
  return { id, modifiers, other, loaded };
}

describe("a record's fields and linked records saved together (PUT /api/<resource>/<id> with _links)", () => {
  it('writes both in one change set, which one undo reverts', async () => {
    const code = await feeCode();
    const since = await lastEvent();
    const _links = { fee_code_modifier: [...code.modifiers.map((m) => ({ modifier_id: m.modifier_id })), { modifier_id: code.other, is_required: true, context_note: 'Telehealth' }] };
    const res = await ctx.api('PUT', `/fee_schedule_code/${code.id}`, { ...code.loaded, notes: 'Saved with its modifiers', _links }, { 'x-change-reason': 'one save' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: code.id, notes: 'Saved with its modifiers' });
    expect(res.body._links).toBeUndefined();
    const events = await eventsSince(since);
    expect(events.map((e) => e.table_name).sort()).toEqual(['fee_code_modifier', 'fee_schedule_code']);
    expect(new Set(events.map((e) => e.txid)).size).toBe(1);
    expect((await modifiersOf(code.id)).map((m) => m.modifier_id)).toContain(code.other);

    const undo = await ctx.api('POST', `/audit_log/revert-change-set/${events[0].txid}`);
    expect(undo.status).toBe(200);
    expect(await modifiersOf(code.id)).toEqual(code.modifiers);
    expect((await ctx.api('GET', `/fee_schedule_code/${code.id}`)).body.notes).toBe(code.loaded.notes);
  });

  it('rolls the fields back when a link change is refused (a permission the editor lacks)', async () => {
    const code = await feeCode();
    // The supervisor may edit fee codes here, but not add their modifiers.
    await grant('fee_schedule_code.edit', 'supervisor', true);
    try {
      const supervisor = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'supervisor'));
      const since = await lastEvent();
      const body = { ...code.loaded, notes: 'Not without its modifier', _links: { fee_code_modifier: [...code.modifiers.map((m) => ({ modifier_id: m.modifier_id })), { modifier_id: code.other }] } };
      const refused = await supervisor('PUT', `/fee_schedule_code/${code.id}`, body);
      expect(refused.status).toBe(403);
      expect(refused.body.message).toMatch(/^Fee code modifier \d+: You may not create/);
      expect(await eventsSince(since)).toEqual([]);
      expect((await ctx.api('GET', `/fee_schedule_code/${code.id}`)).body.notes).toBe(code.loaded.notes);
      // The fields alone are the supervisor's to save.
      const { _links: _dropped, ...fields } = body;
      expect((await supervisor('PUT', `/fee_schedule_code/${code.id}`, fields)).status).toBe(200);
    } finally {
      await grant('fee_schedule_code.edit', 'supervisor', false);
    }
    expect(await modifiersOf(code.id)).toEqual(code.modifiers);
  });

  it('keeps the optimistic lock: a stale save writes neither, and is recorded as a conflict', async () => {
    const code = await feeCode();
    expect((await ctx.api('PUT', `/fee_schedule_code/${code.id}`, { ...code.loaded, notes: 'Someone else first' })).status).toBe(200);
    const since = await lastEvent();
    const conflicts = Number((await ctx.db.pool.query(`SELECT count(*) FROM write_conflict`)).rows[0].count);
    const stale = await ctx.api('PUT', `/fee_schedule_code/${code.id}`, { ...code.loaded, notes: 'Mine', _links: { fee_code_modifier: [] } });
    expect(stale.status).toBe(409);
    expect(stale.body.current.notes).toBe('Someone else first');
    expect(await eventsSince(since)).toEqual([]);
    expect(await modifiersOf(code.id)).toEqual(code.modifiers);
    expect(Number((await ctx.db.pool.query(`SELECT count(*) FROM write_conflict`)).rows[0].count)).toBe(conflicts + 1);
  });

  it('refuses bad links with a 4xx naming them, changing nothing; the links route still works alone', async () => {
    const code = await feeCode();
    const since = await lastEvent();
    const cases: [string, unknown, number, RegExp][] = [
      ['fee_schedule_code', { _links: 'all' }, 400, /JSON object/],
      ['fee_schedule_code', { _links: { claim: [] } }, 400, /claim is not a join table/],
      ['fee_schedule_code', { notes: 'x', _links: { fee_code_modifier: [{ modifier_id: 99999999 }] } }, 409, /^Fee code modifier 1: /],
      ['claim', { _links: { fee_code_modifier: [] } }, 400, /have no linked records/],
    ];
    const claim = (await ctx.db.pool.query(`SELECT id FROM claim ORDER BY id LIMIT 1`)).rows[0].id;
    for (const [resource, body, status, message] of cases) {
      const res = await ctx.api('PUT', `/${resource}/${resource === 'claim' ? claim : code.id}`, body);
      expect([resource, res.status, res.body.message]).toEqual([resource, status, expect.stringMatching(message)]);
    }
    expect(await eventsSince(since)).toEqual([]);
    // Empty links name nothing: the fields alone are saved.
    expect((await ctx.api('PUT', `/fee_schedule_code/${code.id}`, { notes: 'Fields only', _links: {} })).status).toBe(200);
    const alone = await ctx.api('PUT', `/fee_schedule_code/${code.id}/links`, { fee_code_modifier: code.modifiers.map((m) => ({ modifier_id: m.modifier_id })) });
    expect(alone.body).toMatchObject({ txid: null });
  });
});
