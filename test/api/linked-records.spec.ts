import { describe, expect, it } from '@jest/globals';
import { client, serverForTests, signIn } from '../support/server.js';

const ctx = serverForTests();

const REASON = { 'x-change-reason': 'fee schedule 2026 update' };
const links = async (table: string, parentField: string, id: number) =>
  (await ctx.db.pool.query(`SELECT * FROM ${table} WHERE ${parentField} = $1 ORDER BY id`, [id])).rows.map(({ created_at: _c, updated_at: _u, created_by: _cb, updated_by: _ub, ...row }) => row);
const auditCount = async (tables: string[]) => Number((await ctx.db.pool.query(`SELECT count(*) FROM audit_log WHERE table_name = ANY($1)`, [tables])).rows[0].count);
const JOINS = ['fee_code_practitioner_type', 'fee_code_modifier'];

/** A fee code with at least one modifier and one practitioner type, and ids to add. */
async function feeCode() {
  const { rows } = await ctx.db.pool.query(
    `SELECT f.id FROM fee_schedule_code f WHERE EXISTS (SELECT 1 FROM fee_code_modifier m WHERE m.fee_schedule_code_id = f.id)
        AND (SELECT count(*) FROM fee_code_practitioner_type t WHERE t.fee_schedule_code_id = f.id) BETWEEN 1 AND (SELECT count(*) - 1 FROM practitioner_type)
        AND (SELECT count(*) FROM fee_code_modifier t WHERE t.fee_schedule_code_id = f.id) <= (SELECT count(*) - 2 FROM modifier) ORDER BY f.id LIMIT 1`,
  );
  const id = rows[0].id as number;
  const types = await links('fee_code_practitioner_type', 'fee_schedule_code_id', id);
  const modifiers = await links('fee_code_modifier', 'fee_schedule_code_id', id);
  const otherType = (await ctx.db.pool.query(`SELECT id FROM practitioner_type WHERE id <> ALL($1) ORDER BY id LIMIT 1`, [types.map((t) => t.practitioner_type_id)])).rows[0].id;
  const otherModifiers = (await ctx.db.pool.query(`SELECT id FROM modifier WHERE id <> ALL($1) ORDER BY id LIMIT 2`, [modifiers.map((m) => m.modifier_id)])).rows.map((r) => r.id);
  return { id, types, modifiers, otherType, otherModifiers };
}

describe('linked records saved from the parent (PUT /api/<resource>/<id>/links)', () => {
  it('describes each join table as links of both records it pairs, from the metadata', async () => {
    const meta = (await ctx.api('GET', '/meta')).body.resources as { name: string; links: unknown[] }[];
    const of = (name: string) => meta.find((r) => r.name === name)!.links;
    expect(of('fee_schedule_code')).toEqual(
      expect.arrayContaining([
        { through: 'fee_code_practitioner_type', parentField: 'fee_schedule_code_id', itemField: 'practitioner_type_id', item: 'practitioner_type', fields: [] },
        { through: 'fee_code_modifier', parentField: 'fee_schedule_code_id', itemField: 'modifier_id', item: 'modifier', fields: ['is_required', 'context_note'] },
      ]),
    );
    expect(of('app_user')).toContainEqual(expect.objectContaining({ through: 'user_qualification', parentField: 'user_id', itemField: 'qualification_id', item: 'qualification' }));
    expect(of('service_group')).toContainEqual(expect.objectContaining({ through: 'group_membership', parentField: 'group_id', itemField: 'student_id', item: 'student' }));
    expect(of('modifier')).toContainEqual(expect.objectContaining({ through: 'fee_code_modifier', parentField: 'modifier_id', itemField: 'fee_schedule_code_id' }));
    expect(of('claim')).toEqual([]);
  });

  it('adds, edits and removes a fee code\'s practitioner types and modifiers as one change set, which one undo reverts', async () => {
    const code = await feeCode();
    const [kept, ...dropped] = code.modifiers;
    const body = {
      fee_code_practitioner_type: [...code.types.map((t) => ({ practitioner_type_id: t.practitioner_type_id })), { practitioner_type_id: code.otherType }],
      fee_code_modifier: [
        { modifier_id: kept.modifier_id, is_required: !kept.is_required, context_note: 'Group only' },
        { modifier_id: code.otherModifiers[0], is_required: true, context_note: 'Telehealth' },
        { modifier_id: code.otherModifiers[1] },
      ],
    };
    const lastEvent = (await ctx.db.pool.query(`SELECT max(id) AS id FROM audit_log`)).rows[0].id;
    const res = await ctx.api('PUT', `/fee_schedule_code/${code.id}/links`, body, REASON);
    expect(res.status).toBe(200);
    expect(res.body.txid).toEqual(expect.any(Number));
    expect(res.body.links.fee_code_practitioner_type).toMatchObject({ created: [expect.any(Number)], updated: [], deleted: [] });
    expect(res.body.links.fee_code_modifier).toMatchObject({ created: [expect.any(Number), expect.any(Number)], updated: [kept.id], deleted: dropped.map((m) => m.id) });
    const modifiers = await links('fee_code_modifier', 'fee_schedule_code_id', code.id);
    expect(modifiers.map((m) => [m.modifier_id, m.is_required, m.context_note])).toEqual([
      [kept.modifier_id, !kept.is_required, 'Group only'],
      [code.otherModifiers[0], true, 'Telehealth'],
      [code.otherModifiers[1], false, null],
    ]);
    expect((await links('fee_code_practitioner_type', 'fee_schedule_code_id', code.id)).map((t) => t.practitioner_type_id)).toContain(code.otherType);
    const events = (await ctx.db.pool.query(`SELECT DISTINCT txid, reason FROM audit_log WHERE table_name = ANY($1) AND id > $2`, [JOINS, lastEvent])).rows;
    expect(events).toEqual([{ txid: String(res.body.txid), reason: REASON['x-change-reason'] }]);

    const again = await ctx.api('PUT', `/fee_schedule_code/${code.id}/links`, body, REASON);
    expect(again.body).toMatchObject({ txid: null, links: { fee_code_modifier: { created: [], updated: [], deleted: [] } } });

    const undo = await ctx.api('POST', `/audit_log/revert-change-set/${res.body.txid}`);
    expect(undo.status).toBe(200);
    expect(await links('fee_code_practitioner_type', 'fee_schedule_code_id', code.id)).toEqual(code.types);
    expect(await links('fee_code_modifier', 'fee_schedule_code_id', code.id)).toEqual(code.modifiers);
  }, 60_000);

  it('refuses bad input with a 4xx naming the link, changing nothing', async () => {
    const code = await feeCode();
    const audits = await auditCount(JOINS);
    const first = { modifier_id: code.otherModifiers[0], is_required: true };
    const cases: [unknown, number, RegExp | string][] = [
      [{}, 400, /JSON object/],
      [[], 400, /JSON object/],
      [{ claim: [] }, 400, /claim is not a join table/],
      [{ fee_code_modifier: 'all' }, 400, /must be a list/],
      [{ fee_code_modifier: [first, { ...first }] }, 400, /linked twice/],
      [{ fee_code_modifier: [{ is_required: true }] }, 400, /modifier_id is required/],
      [{ fee_code_modifier: [{ modifier_id: code.otherModifiers[0], fee_schedule_code_id: code.id + 1 }] }, 400, /must be this record/],
      // The first link is valid and would be written: the second's refusal takes it back.
      [{ fee_code_modifier: [first, { modifier_id: 999999 }] }, 409, /^Fee code modifier 2: /],
      [{ fee_code_modifier: [first, { modifier_id: code.otherModifiers[1], nonsense: 1 }] }, 400, /^Fee code modifier 2: .*nonsense/],
      [{ fee_code_modifier: [first, { modifier_id: code.otherModifiers[1], is_required: 'maybe' }] }, 400, /^Fee code modifier 2: .*is_required/],
    ];
    for (const [body, status, message] of cases) {
      const res = await ctx.api('PUT', `/fee_schedule_code/${code.id}/links`, body, REASON);
      expect([res.status, res.body.message]).toEqual([status, expect.stringMatching(message)]);
    }
    expect((await ctx.api('PUT', `/fee_schedule_code/99999999/links`, { fee_code_modifier: [] })).status).toBe(404);
    expect((await ctx.api('PUT', `/no_such_table/1/links`, { fee_code_modifier: [] })).status).toBe(404);
    const supervisor = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'supervisor'));
    expect((await supervisor('PUT', `/fee_schedule_code/${code.id}/links`, { fee_code_modifier: [first] })).status).toBe(403);
    expect((await supervisor('PUT', `/fee_schedule_code/${code.id}/links`, { fee_code_modifier: [] })).status).toBe(403);
    expect(await links('fee_code_modifier', 'fee_schedule_code_id', code.id)).toEqual(code.modifiers);
    expect(await auditCount(JOINS)).toBe(audits);
  }, 60_000);

  it('a district admin\'s save that names a student out of their reach is refused whole, and what is theirs is saved', async () => {
    const admin = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'districtAdmin'));
    const districts = (await ctx.db.pool.query(`SELECT districts FROM app_user WHERE email = 'district.admin@demo.kcsos.invalid'`)).rows[0].districts as string[];
    const mine = (await ctx.db.pool.query(`SELECT id FROM student WHERE district = ANY($1) ORDER BY id LIMIT 2`, [districts])).rows.map((r) => r.id);
    const other = (await ctx.db.pool.query(`SELECT id FROM student WHERE NOT district = ANY($1) ORDER BY id LIMIT 2`, [districts])).rows.map((r) => r.id);
    // A group the admin reaches (its facilitator works in their districts), with a member of theirs
    // and one from another district, whom the admin does not see.
    const facilitator = (await ctx.db.pool.query(`SELECT id FROM app_user WHERE role = 'Practitioner' AND districts && $1 ORDER BY id LIMIT 1`, [districts])).rows[0].id;
    const group = (await ctx.db.pool.query(`INSERT INTO service_group (name, practitioner_id) VALUES ('Links test group', $1) RETURNING id`, [facilitator])).rows[0].id as number;
    await ctx.db.pool.query(`INSERT INTO group_membership (group_id, student_id) VALUES ($1, $2), ($1, $3)`, [group, mine[0], other[0]]);
    const members = async () => await links('group_membership', 'group_id', group);
    const before = await members();
    const inReach = (await admin('GET', `/group_membership?filter=${encodeURIComponent(JSON.stringify({ group_id: group }))}`)).body as { student_id: number }[];
    expect(inReach.map((m) => m.student_id)).toEqual([mine[0]]);
    const keep = inReach.map((m) => ({ student_id: m.student_id }));
    const audits = await auditCount(['group_membership']);

    const refused = await admin('PUT', `/service_group/${group}/links`, { group_membership: [...keep, { student_id: mine[1], status: 'Active' }, { student_id: other[1] }] });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/student_id refers to a record that does not exist or that you cannot reach/);
    expect(await members()).toEqual(before);
    expect(await auditCount(['group_membership'])).toBe(audits);

    const saved = await admin('PUT', `/service_group/${group}/links`, { group_membership: [...keep, { student_id: mine[1], status: 'Active' }] });
    expect(saved.status).toBe(200);
    expect(saved.body.links.group_membership.created).toHaveLength(1);
    // Memberships outside the admin's reach (other districts' students) are neither shown nor dropped.
    expect((await members()).map((m) => m.student_id).sort()).toEqual([...before.map((m) => m.student_id), mine[1]].sort());
  }, 60_000);
});

describe('hostile bodies for links and the matrix (fast-check)', () => {
  it('never answer a 5xx or leak SQL, and a refusal changes nothing', async () => {
    const fc = (await import('fast-check')).default;
    const code = await feeCode();
    const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', "'; DROP TABLE x; --", '9'.repeat(40), '\u0000', 'fee_code_modifier', 'modifier_id', 'claim.list', 'support'));
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(text, tie('v'), { maxKeys: 3 })),
    })).v;
    const linkRow = fc.record({ modifier_id: fc.oneof(value, fc.constantFrom(...code.otherModifiers)), is_required: value, context_note: value }, { requiredKeys: [] });
    const linksBody = fc.oneof(value, fc.dictionary(fc.constantFrom('fee_code_modifier', 'fee_code_practitioner_type', 'claim', '__proto__'), fc.oneof(value, fc.array(linkRow, { maxLength: 3 })), { maxKeys: 2 }));
    const matrixBody = fc.oneof(value, fc.record({ version: value, changes: fc.oneof(value, fc.array(fc.record({ permission: fc.oneof(text, fc.constantFrom('claim.list', 'permission.manage')), role: fc.oneof(text, fc.constantFrom('support', 'system_admin')), granted: value }, { requiredKeys: [] }), { maxLength: 3 })) }, { requiredKeys: [] }));
    const LEAK = /syntax error|violates|duplicate key|invalid input syntax|relation "|SELECT .* FROM|node_modules|\.ts:\d+/i;
    const audits = async () => Number((await ctx.db.pool.query(`SELECT count(*) FROM audit_log WHERE table_name <> 'app_user'`)).rows[0].count);
    await fc.assert(
      fc.asyncProperty(fc.boolean(), linksBody, matrixBody, async (links, body, matrix) => {
        const before = await audits();
        const res = links
          ? await ctx.api('PUT', `/fee_schedule_code/${code.id}/links`, body, REASON)
          : await ctx.api('POST', '/permission-matrix/preview', matrix);
        expect(res.status).toBeLessThan(500);
        expect(JSON.stringify(res.body)).not.toMatch(LEAK);
        if (res.status >= 400 || !links) expect(await audits()).toBe(before);
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
