import { beforeAll, describe, expect, it } from '@jest/globals';
import { client, q, serverForTests, signIn } from '../support/server.js';

/** Labels of referenced records for users who may not list them (GET /api/<resource>/labels). */
const ctx = serverForTests();
let support: ReturnType<typeof client>;
let practitioner: ReturnType<typeof client>;
beforeAll(async () => {
  support = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'support'));
  practitioner = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'practitioner'));
});

describe('labels of referenced records', () => {
  it('give a support user the names of the users their students refer to, and nothing else of app_user', async () => {
    expect((await support('GET', '/app_user?range=[0,9]')).status).toBe(403);
    const ids = (await ctx.db.pool.query(`SELECT DISTINCT practitioner_id AS id FROM student WHERE practitioner_id IS NOT NULL ORDER BY 1 LIMIT 3`)).rows.map((r) => r.id);
    const res = await support('GET', `/app_user/labels?filter=${q({ id: ids })}`);
    expect(res.status).toBe(200);
    expect(res.body.map((r: { id: number }) => r.id).sort()).toEqual([...ids].sort());
    for (const row of res.body) expect(Object.keys(row).sort()).toEqual(['first_name', 'id', 'last_name']);
    expect(res.headers.get('content-range')).toBe(`app_user 0-${ids.length - 1}/${ids.length}`);
    // A picker searches them by name; fields outside the label cannot be filtered or sorted on.
    const someone = (await ctx.db.pool.query(`SELECT last_name FROM app_user WHERE id = $1`, [ids[0]])).rows[0];
    const found = await support('GET', `/app_user/labels?filter=${q({ q: someone.last_name })}&range=[0,24]`);
    expect(found.body.map((r: { last_name: string }) => r.last_name)).toContain(someone.last_name);
    expect((await support('GET', `/app_user/labels?filter=${q({ email: 'admin@demo.kcsos.invalid' })}`)).status).toBe(400);
    expect((await support('GET', `/app_user/labels?sort=${q(['email', 'ASC'])}`)).status).toBe(400);
    const meta = (await support('GET', '/meta')).body;
    expect(meta.labels.map((l: { name: string }) => l.name)).toContain('app_user');
    expect(meta.resources.map((r: { name: string }) => r.name)).not.toContain('app_user');
  });

  it('keep the row scope, and are refused where no readable record refers to the resource', async () => {
    const me = (await ctx.db.pool.query(`SELECT id FROM app_user WHERE email = 'practitioner@demo.kcsos.invalid'`)).rows[0].id;
    const theirs = (await ctx.db.pool.query(`SELECT id FROM student WHERE practitioner_id <> $1 ORDER BY id LIMIT 1`, [me])).rows[0].id;
    expect((await practitioner('GET', `/student/labels?filter=${q({ id: [theirs] })}`)).body).toEqual([]);
    const readable = new Set((await practitioner('GET', '/meta')).body.labels.map((l: { name: string }) => l.name));
    for (const name of ['permission_item', 'audit_log', 'billing_code']) {
      expect(readable.has(name)).toBe(false);
      expect((await practitioner('GET', `/${name}/labels`)).status).toBe(403);
    }
    expect((await practitioner('GET', '/nonsense/labels')).status).toBe(404);
  });
});
