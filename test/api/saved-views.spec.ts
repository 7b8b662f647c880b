import { beforeAll, describe, expect, it } from '@jest/globals';
import { client, q, serverForTests, signIn } from '../support/server.js';

const ctx = serverForTests({ as: 'supervisor' });
type Api = ReturnType<typeof client>;
const as: Record<string, Api> = {};

beforeAll(async () => {
  for (const role of ['admin', 'support', 'districtAdmin', 'practitioner'] as const) as[role] = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, role));
});

const names = (res: { body: { name: string }[] }) => res.body.map((v) => v.name).sort();

describe('saved views', () => {
  it('are a declared resource every role may use: API, meta and audit trail from the declaration', async () => {
    for (const api of [ctx.api, ...Object.values(as)]) {
      const meta = (await api('GET', '/meta')).body;
      expect(meta.resources.find((r: { name: string }) => r.name === 'saved_view')?.actions).toEqual(['list', 'show', 'create', 'edit', 'delete', 'export']);
    }
    const view = await as.practitioner('POST', '/saved_view', { name: 'My students', resource: 'student', filter: { status: 'Active' }, columns: ['last_name'] });
    expect(view.status).toBe(201);
    const audit = (await ctx.db.pool.query(`SELECT action, user_id FROM audit_log WHERE table_name = 'saved_view' AND record_pk = $1`, [{ id: view.body.id }])).rows;
    expect(audit).toEqual([{ action: 'INSERT', user_id: view.body.created_by }]);
    const bad = await as.practitioner('POST', '/saved_view', { name: 'x', resource: 'no_such_table', filter: {}, shared_with_role: 'Everyone' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors).sort()).toEqual(['shared_with_role']);
    const badResource = await as.practitioner('POST', '/saved_view', { name: 'x', resource: 'no_such_table', filter: {} });
    expect(badResource.body.errors).toEqual({ resource: expect.stringMatching(/must name a resource/) });
  });

  it('shared with a role are seen by that role only, and changed by their owner only', async () => {
    const shared = await ctx.api('POST', '/saved_view', { name: 'Rejected this month', resource: 'claim', filter: { status: 'Rejected' }, sort: { field: 'service_date', order: 'DESC' }, shared_with_role: 'Support' });
    expect(shared.status).toBe(201);
    const mine = await ctx.api('POST', '/saved_view', { name: 'Supervisor private', resource: 'claim', filter: {} });
    expect(mine.status).toBe(201);
    // A caller cannot make a view someone else's: the owner is the server's to set.
    const forged = await as.support('POST', '/saved_view', { name: 'Forged', resource: 'claim', filter: {}, created_by: shared.body.created_by });
    expect(forged.status).toBe(201);
    expect(forged.body.created_by).not.toBe(shared.body.created_by);

    const filter = q({ resource: 'claim' });
    expect(names(await ctx.api('GET', `/saved_view?filter=${filter}`))).toEqual(['Rejected this month', 'Supervisor private']);
    expect(names(await as.support('GET', `/saved_view?filter=${filter}`))).toEqual(['Forged', 'Rejected this month']);
    for (const other of [as.admin, as.districtAdmin, as.practitioner]) {
      expect(names(await other('GET', `/saved_view?filter=${filter}`))).toEqual([]);
      expect((await other('GET', `/saved_view/${shared.body.id}`)).status).toBe(404);
    }
    expect((await as.support('GET', `/saved_view/${shared.body.id}`)).body).toMatchObject({ filter: { status: 'Rejected' }, shared_with_role: 'Support' });
    expect((await as.support('GET', `/saved_view/${mine.body.id}`)).status).toBe(404);

    // The role it is shared with reads it; only its owner changes or deletes it.
    expect((await as.support('PUT', `/saved_view/${shared.body.id}`, { name: 'Hijacked' })).status).toBe(404);
    expect((await as.support('DELETE', `/saved_view/${shared.body.id}`)).status).toBe(404);
    const renamed = await ctx.api('PUT', `/saved_view/${shared.body.id}`, { name: 'Rejected claims' });
    expect(renamed.status).toBe(200);
    // Nor through the audit trail: undoing the owner's rename is a write the support user may not make.
    const [rename] = (await as.support('GET', `/saved_view/${shared.body.id}/history`)).body;
    expect(rename.action).toBe('UPDATE');
    expect((await as.support('POST', `/audit_log/${rename.id}/revert`)).status).toBe(404);
    expect((await ctx.api('GET', `/saved_view/${shared.body.id}`)).body.name).toBe('Rejected claims');
    const unshared = await ctx.api('PUT', `/saved_view/${shared.body.id}`, { shared_with_role: null });
    expect(unshared.status).toBe(200);
    expect((await as.support('GET', `/saved_view/${shared.body.id}`)).status).toBe(404);

    // Nor does the audit trail show one role's private views to another.
    const events = (await as.support('GET', `/audit_log?filter=${q({ table_name: 'saved_view' })}`)).body as { record_pk: { id: number } }[];
    const ids = new Set(events.map((e) => e.record_pk.id));
    expect(ids.has(forged.body.id)).toBe(true);
    expect(ids.has(mine.body.id)).toBe(false);
    expect(ids.has(shared.body.id)).toBe(false);
  });
});
