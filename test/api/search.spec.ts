import { beforeAll, describe, expect, it } from '@jest/globals';
import { client, serverForTests, signIn } from '../support/server.js';

const ctx = serverForTests();
type Api = ReturnType<typeof client>;
const as: Record<string, Api> = {};
const group = (body: { groups: { resource: string; hits: { id: number; label: string }[] }[] }, resource: string) => body.groups.find((g) => g.resource === resource);

beforeAll(async () => {
  for (const role of ['districtAdmin', 'practitioner', 'support'] as const) as[role] = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, role));
});

describe('GET /api/search', () => {
  it('finds records of several resources by their search fields, grouped, labelled by their representation', async () => {
    const student = (await ctx.db.pool.query(`SELECT id, ssid, first_name, last_name FROM student ORDER BY id LIMIT 1`)).rows[0];
    const res = await ctx.api('GET', `/search?q=${encodeURIComponent(student.ssid)}`);
    expect(res.status).toBe(200);
    expect(group(res.body, 'student')!.hits).toEqual(expect.arrayContaining([{ id: student.id, label: `${student.last_name}, ${student.first_name} (${student.ssid})` }]));
    // The same SSID is on the student's claims.
    expect(group(res.body, 'claim')!.hits.length).toBeGreaterThan(0);
    expect(group(res.body, 'claim')!.hits.length).toBeLessThanOrEqual(5);
    const claim = (await ctx.db.pool.query(`SELECT id, claim_number FROM claim ORDER BY id LIMIT 1`)).rows[0];
    const byNumber = await ctx.api('GET', `/search?q=${claim.claim_number}`);
    expect(group(byNumber.body, 'claim')!.hits).toEqual([{ id: claim.id, label: claim.claim_number }]);
    // Logs are not searched (they have their own browser).
    expect(byNumber.body.groups.map((g: { resource: string }) => g.resource)).not.toContain('audit_log');
    // Each hit of an access-logged resource is recorded as a read.
    const logged = (await ctx.db.pool.query(`SELECT record_ids FROM access_log WHERE table_name = 'claim' AND filter = $1 ORDER BY id DESC LIMIT 1`, [{ q: claim.claim_number }])).rows[0];
    expect(logged.record_ids.map(Number)).toEqual([claim.id]);
  });

  it("stays within a district admin's districts and a practitioner's own students", async () => {
    const districts = (await ctx.db.pool.query(`SELECT districts FROM app_user WHERE email = 'district.admin@demo.kcsos.invalid'`)).rows[0].districts;
    const outside = (await ctx.db.pool.query(`SELECT ssid FROM student WHERE NOT district = ANY($1) ORDER BY id LIMIT 1`, [districts])).rows[0];
    const inside = (await ctx.db.pool.query(`SELECT id, ssid FROM student WHERE district = ANY($1) ORDER BY id LIMIT 1`, [districts])).rows[0];
    expect(group((await as.districtAdmin('GET', `/search?q=${outside.ssid}`)).body, 'student')).toBeUndefined();
    expect(group((await as.districtAdmin('GET', `/search?q=${outside.ssid}`)).body, 'claim')).toBeUndefined();
    expect(group((await as.districtAdmin('GET', `/search?q=${inside.ssid}`)).body, 'student')!.hits.map((h) => h.id)).toEqual([inside.id]);

    const me = (await ctx.db.pool.query(`SELECT id FROM app_user WHERE email = 'practitioner@demo.kcsos.invalid'`)).rows[0].id;
    const notMine = (await ctx.db.pool.query(`SELECT ssid FROM student WHERE practitioner_id IS DISTINCT FROM $1 ORDER BY id LIMIT 1`, [me])).rows[0];
    const mine = (await ctx.db.pool.query(`SELECT id, ssid, last_name FROM student WHERE practitioner_id = $1 ORDER BY id LIMIT 1`, [me])).rows[0];
    expect(group((await as.practitioner('GET', `/search?q=${notMine.ssid}`)).body, 'student')).toBeUndefined();
    expect(group((await as.practitioner('GET', `/search?q=${mine.ssid}`)).body, 'student')!.hits.map((h) => h.id)).toEqual([mine.id]);
    const byName = (await as.practitioner('GET', `/search?q=${encodeURIComponent(mine.last_name)}`)).body;
    const own = (await ctx.db.pool.query(`SELECT id FROM student WHERE practitioner_id = $1`, [me])).rows.map((r) => r.id);
    for (const hit of group(byName, 'student')!.hits) expect(own).toContain(hit.id);
    // A resource the caller may not list is not searched: practitioners do not list claims by default.
    expect(group((await as.practitioner('GET', `/search?q=${mine.ssid}`)).body, 'claim')).toBeUndefined();
  });

  it('finds a code or number by its start, in any case, and a name anywhere in it', async () => {
    const claim = (await ctx.db.pool.query(`SELECT id, claim_number, student_name FROM claim ORDER BY id LIMIT 1`)).rows[0];
    const start = claim.claim_number.slice(0, -1).toLowerCase();
    const byStart = (await ctx.api('GET', `/search?q=${encodeURIComponent(start)}`)).body;
    expect(group(byStart, 'claim')!.hits.map((h) => h.label)).toContain(claim.claim_number);
    for (const hit of group(byStart, 'claim')!.hits) expect(hit.label.toLowerCase().startsWith(start)).toBe(true);
    // An identifier is not matched in its middle: the digits of a claim number find no claim by it.
    const middle = claim.claim_number.slice(-6, -1);
    const byMiddle = (await ctx.db.pool.query(`SELECT count(*)::int AS n FROM claim WHERE claim_number LIKE $1 OR batch_number LIKE $1 OR service_code LIKE $1 OR student_ssid LIKE $1 OR student_name ILIKE $2`, [`${middle}%`, `%${middle}%`])).rows[0].n;
    expect(byMiddle).toBe(0);
    expect(group((await ctx.api('GET', `/search?q=${middle}`)).body, 'claim')).toBeUndefined();
    // A name is: the middle of the claim's student's name finds the claim.
    const inName = claim.student_name.slice(2, 6);
    expect(group((await ctx.api('GET', `/search?q=${encodeURIComponent(inName)}`)).body, 'claim')!.hits.length).toBeGreaterThan(0);
    // The list's `q` is the same search.
    const list = await ctx.api('GET', `/claim?filter=${encodeURIComponent(JSON.stringify({ q: start.toUpperCase() }))}`);
    expect(list.body.map((c: { claim_number: string }) => c.claim_number)).toContain(claim.claim_number);
  });

  it('refuses bad input with a 4xx', async () => {
    for (const [path, status] of [['/search', 400], ['/search?q=', 400], ['/search?q=a', 400], ['/search?q=ab', 400], [`/search?q=${'x'.repeat(201)}`, 400], ['/search?q=%00abc', 400], ['/search?q=a&q=b', 400]] as const) {
      const res = await ctx.api('GET', path);
      expect([path, res.status]).toEqual([path, status]);
    }
    expect((await fetch(`${ctx.app.url}/api/search?q=abc`)).status).toBe(401);
    // Wildcards are text: "%" finds only what holds a "%".
    const pct = await ctx.api('GET', '/search?q=%25%25%25');
    expect(pct.status).toBe(200);
    expect(pct.body.groups).toEqual([]);
  });
});
