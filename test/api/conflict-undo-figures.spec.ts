import { beforeAll, describe, expect, it } from '@jest/globals';
import { client, q, serverForTests, signIn } from '../support/server.js';

// Figures are kept for a while once counted (AGGREGATE_CACHE_MS); these tests change rows between asks.
const ctx = serverForTests({ env: { AGGREGATE_CACHE_MS: '1' } });
type Api = ReturnType<typeof client>;
const as: Record<string, Api> = {};
const grant = (name: string, column: string, value: boolean) => ctx.db.pool.query(`UPDATE permission_item SET ${column} = $2 WHERE name = $1`, [name, value]);
const conflicts = async () => (await ctx.db.pool.query(`SELECT * FROM write_conflict ORDER BY id`)).rows;
const userId = async (email: string) => (await ctx.db.pool.query(`SELECT id FROM app_user WHERE email = $1`, [email])).rows[0].id as number;
interface Figure {
  id: string;
  resource: string;
  chart: string;
  filter: Record<string, unknown>;
  group: string[];
}

/** A stale save of one record (the version it names was replaced by a save before it). */
async function staleSave(api: Api, resource: string, id: number, field: string, values: [unknown, unknown]) {
  const loaded = (await api('GET', `/${resource}/${id}`)).body;
  expect((await api('PUT', `/${resource}/${id}`, { ...loaded, [field]: values[0] })).status).toBe(200);
  return api('PUT', `/${resource}/${id}`, { ...loaded, [field]: values[1] });
}

beforeAll(async () => {
  for (const role of ['supervisor', 'practitioner'] as const) as[role] = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, role));
});

describe('write conflicts: a save refused because the record changed since it was read', () => {
  it('is recorded (who, table, record, when), though its write rolled back; other refusals are not', async () => {
    const before = (await conflicts()).length;
    const audits = Number((await ctx.db.pool.query(`SELECT count(*) FROM audit_log`)).rows[0].count);
    const stale = await staleSave(ctx.api, 'student', 2, 'comments', ['first', 'second']);
    expect(stale.status).toBe(409);
    // The stale save wrote nothing (only the first save's audit row is new).
    expect(Number((await ctx.db.pool.query(`SELECT count(*) FROM audit_log`)).rows[0].count)).toBe(audits + 1);
    const loaded = (await ctx.api('GET', '/student/2')).body;
    expect(loaded.comments).toBe('first');
    const refusedTag = await ctx.api('PUT', '/student/2', { comments: 'third' }, { 'if-match': '"not-the-version"' });
    expect(refusedTag.status).toBe(412);
    // A refusal for another reason is no conflict.
    expect((await ctx.api('PUT', '/student/2', { ...loaded, birthdate: 'soon' })).status).toBe(400);
    const rows = (await conflicts()).slice(before);
    const admin = await userId('admin@demo.kcsos.invalid');
    expect(rows.map((r) => [r.user_id, r.table_name, r.record_pk, r.action, r.checked])).toEqual([
      [admin, 'student', { id: 2 }, 'edit', 'version'],
      [admin, 'student', { id: 2 }, 'edit', 'If-Match'],
    ]);
    expect(Date.now() - new Date(rows[0].occurred_at).getTime()).toBeLessThan(10 * 60_000);
    // Append-only like the other logs, and served read-only.
    await expect(ctx.db.pool.query(`UPDATE write_conflict SET user_id = NULL`)).rejects.toThrow(/append-only/);
    await expect(ctx.db.pool.query(`DELETE FROM write_conflict`)).rejects.toThrow(/append-only/);
    const listed = await ctx.api('GET', `/write_conflict?filter=${q({ table_name: 'student' })}&range=${q([0, 99])}`);
    expect(listed.status).toBe(200);
    expect(listed.body.map((r: { id: string }) => String(r.id))).toEqual(expect.arrayContaining(rows.map((r) => String(r.id))));
    expect((await ctx.api('PUT', `/write_conflict/${rows[0].id}`, { action: 'edit' })).status).toBe(405);
  });

  it('is listed only within the reader’s reach: records of their scope, of tables they may show', async () => {
    const practitioner = await userId('practitioner@demo.kcsos.invalid');
    const [{ id: notTheirs }] = (await ctx.db.pool.query(`SELECT id FROM student WHERE practitioner_id IS DISTINCT FROM $1 ORDER BY id LIMIT 1`, [practitioner])).rows;
    const [{ id: theirs }] = (await ctx.db.pool.query(`SELECT id FROM student WHERE practitioner_id = $1 ORDER BY id LIMIT 1`, [practitioner])).rows;
    expect((await staleSave(ctx.api, 'student', notTheirs, 'comments', ['a', 'b'])).status).toBe(409);
    expect((await staleSave(ctx.api, 'student', theirs, 'comments', ['a', 'b'])).status).toBe(409);
    expect((await as.practitioner('GET', '/write_conflict')).status).toBe(403);
    // The Audit area is read with audit.browse beside the list permission.
    for (const name of ['write_conflict.list', 'audit.browse']) await grant(name, 'practitioner', true);
    try {
      const seen = await as.practitioner('GET', `/write_conflict?range=${q([0, 999])}`);
      expect(seen.status).toBe(200);
      const records = seen.body.map((r: { table_name: string; record_pk: { id: number } }) => `${r.table_name}/${r.record_pk.id}`);
      expect(records).toContain(`student/${theirs}`);
      expect(records).not.toContain(`student/${notTheirs}`);
      const counted = await as.practitioner('GET', `/write_conflict/aggregate?group=${q(['table_name'])}`);
      expect(counted.body.rows.reduce((s: number, r: { count: number }) => s + r.count, 0)).toBe(seen.body.length);
    } finally {
      for (const name of ['write_conflict.list', 'audit.browse']) await grant(name, 'practitioner', false);
    }
  });
});

describe("the supervisor's dashboard: undo and conflict counts", () => {
  it('counts undos and conflicts per day over 30 days, each day linked to the list it counts', async () => {
    const { sections } = (await as.supervisor('GET', '/dashboard')).body as { sections: { title: string; figures: Figure[] }[] };
    const figures = sections.flatMap((s) => s.figures);
    const undos = figures.find((f) => f.id === 'undos')!;
    const conflicted = figures.find((f) => f.id === 'conflicts')!;
    expect([undos.resource, undos.group, conflicted.resource, conflicted.group]).toEqual(['audit_log', ['occurred_at:day'], 'write_conflict', ['occurred_at:day']]);
    // An undo, and a conflict, today.
    const edit = await ctx.api('PUT', '/student/5', { comments: 'to be undone' });
    expect(edit.status).toBe(200);
    const [event] = (await ctx.db.pool.query(`SELECT id FROM audit_log WHERE table_name = 'student' AND record_pk = '{"id": 5}' ORDER BY id DESC LIMIT 1`)).rows;
    expect((await ctx.api('POST', `/audit_log/${event.id}/revert`)).status).toBe(200);
    expect((await staleSave(ctx.api, 'student', 6, 'comments', ['x', 'y'])).status).toBe(409);

    for (const figure of [undos, conflicted]) {
      const counted = await as.supervisor('GET', `/${figure.resource}/aggregate?filter=${q(figure.filter)}&group=${q(figure.group)}`);
      expect([figure.id, counted.status]).toEqual([figure.id, 200]);
      expect(counted.body.rows.length).toBeGreaterThan(0);
      for (const row of counted.body.rows as { keys: string[]; count: number }[]) {
        // What a day's bar links to: the figure's filter and that day.
        const list = await as.supervisor('GET', `/${figure.resource}?filter=${q({ ...figure.filter, occurred_at: row.keys[0] })}&range=${q([0, 999])}`);
        expect([figure.id, row.keys[0], list.body.length]).toEqual([figure.id, row.keys[0], row.count]);
      }
      const total = counted.body.rows.reduce((s: number, r: { count: number }) => s + r.count, 0);
      const list = await as.supervisor('GET', `/${figure.resource}?filter=${q(figure.filter)}&range=${q([0, 999])}`);
      expect([figure.id, list.body.length]).toEqual([figure.id, total]);
    }
    const sqlConflicts = (await ctx.db.pool.query(`SELECT count(*) FROM write_conflict WHERE occurred_at >= current_date - 29`)).rows[0].count;
    const counted = await as.supervisor('GET', `/write_conflict/aggregate?filter=${q(conflicted.filter)}`);
    expect(counted.body.rows[0].count).toBe(Number(sqlConflicts));
    // Whoever may not list the conflicts gets no figure of them.
    expect((await as.practitioner('GET', '/dashboard')).body.sections.flatMap((s: { figures: Figure[] }) => s.figures.map((f) => f.id))).not.toContain('conflicts');
    expect((await as.practitioner('GET', `/write_conflict/aggregate?filter=${q(conflicted.filter)}`)).status).toBe(403);
  });
});
