import { describe, expect, it } from '@jest/globals';
import { client, serverForTests, signIn } from '../support/server.js';

/** What the console builds its choices and its live permissions from: /api/meta and a response header. */
const ctx = serverForTests();
const one = async (sql: string, params: unknown[] = []) => (await ctx.db.pool.query(sql, params)).rows[0];
const metaOf = async (who: Parameters<typeof signIn>[1], name: string) =>
  (await client(`${ctx.app.url}/api`, await signIn(ctx.app.url, who))('GET', '/meta')).body.resources.find((r: { name: string }) => r.name === name);

describe('choices from the caller\'s reach in /api/meta', () => {
  it('names the values a scope allows: a practitioner\'s own id, a district admin\'s districts; one value is also the create default', async () => {
    const practitioner = await one(`SELECT id FROM app_user WHERE email = 'practitioner@demo.kcsos.invalid'`);
    const student = await metaOf('practitioner', 'student');
    expect(student.scopeChoices).toEqual({ practitioner_id: [practitioner.id] });
    expect(student.createDefaults).toEqual({ practitioner_id: practitioner.id });
    const districts = (await one(`SELECT districts FROM app_user WHERE email = 'district.admin@demo.kcsos.invalid'`)).districts;
    expect(districts).toHaveLength(2);
    const claim = await metaOf('districtAdmin', 'claim');
    expect(claim.scopeChoices).toEqual({ district: districts });
    expect(claim.createDefaults).toEqual({});
    expect((await metaOf('admin', 'claim')).scopeChoices).toEqual({});
  });

  it('says which users are offered as assignees (active, not the system account), and that filter works on the list', async () => {
    const users = await metaOf('admin', 'app_user');
    expect(users.offered).toEqual({ status: 'Active', email_neq: 'system@kcsos.invalid' });
    const res = await ctx.api('GET', `/app_user?filter=${encodeURIComponent(JSON.stringify(users.offered))}&range=[0,999]`);
    expect(res.status).toBe(200);
    const expected = (await one(`SELECT count(*)::int AS n FROM app_user WHERE status = 'Active' AND email <> 'system@kcsos.invalid'`)).n;
    expect(res.body).toHaveLength(expected);
    expect(res.body.every((u: { status: string; email: string }) => u.status === 'Active' && u.email !== 'system@kcsos.invalid')).toBe(true);
  });
});

describe('the permission matrix version on every signed-in answer', () => {
  it('is sent with successes and refusals, not before sign-in, and changes with the matrix', async () => {
    const v0 = (await ctx.api('GET', '/meta')).headers.get('x-permission-version');
    expect(v0).toMatch(/^\d+$/);
    expect(v0).toBe(String((await one(`SELECT version FROM permission_matrix_version`)).version));
    const practitioner = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'practitioner'));
    const refused = await practitioner('GET', '/permission_item');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-permission-version')).toBe(v0);
    expect((await ctx.api('GET', '/student/999999999')).headers.get('x-permission-version')).toBe(v0);
    expect((await client(`${ctx.app.url}/api`)('GET', '/health')).headers.get('x-permission-version')).toBeNull();
    expect((await client(`${ctx.app.url}/api`)('GET', '/meta')).headers.get('x-permission-version')).toBeNull();

    const item = (await ctx.api('GET', `/permission_item?filter=${encodeURIComponent(JSON.stringify({ name: 'claim.export' }))}`)).body[0];
    expect((await ctx.api('PUT', `/permission_item/${item.id}`, { ...item, support: !item.support })).status).toBe(200);
    const v1 = (await practitioner('GET', '/meta')).headers.get('x-permission-version');
    expect(v1).not.toBe(v0);
    expect(BigInt(v1!)).toBeGreaterThan(BigInt(v0!));
  });
});
