import { beforeAll, describe, expect, it } from '@jest/globals';
import { client, q, serverForTests, signIn } from '../support/server.js';

// Figures are kept for a while once counted (AGGREGATE_CACHE_MS); these tests change rows between asks.
const ctx = serverForTests({ env: { AGGREGATE_CACHE_MS: '1' } });
type Api = ReturnType<typeof client>;
const as: Record<string, Api> = {};
const user = async (email: string) => (await ctx.db.pool.query(`SELECT id, districts FROM app_user WHERE email = $1`, [email])).rows[0];
const grant = (name: string, column: string, value: boolean) => ctx.db.pool.query(`UPDATE permission_item SET ${column} = $2 WHERE name = $1`, [name, value]);
const counts = (rows: { keys: unknown[]; count: number }[]) => Object.fromEntries(rows.map((r) => [r.keys.join('|'), r.count]));
const sqlCounts = (rows: { k: string; n: number }[]) => Object.fromEntries(rows.map((r) => [r.k, Number(r.n)]));

beforeAll(async () => {
  for (const role of ['supervisor', 'districtAdmin', 'practitioner', 'support'] as const) as[role] = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, role));
});

describe('GET /api/<resource>/aggregate', () => {
  it('counts and sums by group, exactly as the rows stand', async () => {
    const res = await ctx.api('GET', `/claim/aggregate?group=${q(['status'])}&sum=${q(['billed_amount', 'paid_amount'])}`);
    expect(res.status).toBe(200);
    const sql = (await ctx.db.pool.query(`SELECT coalesce(status, '') AS k, count(*) AS n, coalesce(sum(billed_amount), 0)::text AS b FROM claim GROUP BY 1`)).rows;
    expect(counts(res.body.rows.map((r: { keys: unknown[]; count: number }) => ({ ...r, keys: r.keys.map((k) => k ?? '') })))).toEqual(sqlCounts(sql));
    const paid = res.body.rows.find((r: { keys: string[] }) => r.keys[0] === 'Paid');
    expect(paid.sums.billed_amount).toBe(sql.find((r) => r.k === 'Paid').b);
    expect(res.body.group).toEqual([{ key: 'status', label: 'Status', bucket: null }]);
  });

  it('groups dates by month and day, derived keys from the field they are read from, and applies the list filter', async () => {
    const months = await ctx.api('GET', `/claim/aggregate?group=${q(['service_date:month', 'status'])}&filter=${q({ service_date_gte: '2025-01-01' })}`);
    expect(months.status).toBe(200);
    const sql = (await ctx.db.pool.query(`SELECT to_char(date_trunc('month', service_date), 'YYYY-MM-DD') || '|' || status AS k, count(*) AS n FROM claim WHERE service_date >= '2025-01-01' GROUP BY 1`)).rows;
    expect(counts(months.body.rows)).toEqual(sqlCounts(sql));
    const reasons = await ctx.api('GET', `/claim/aggregate?group=denial_code&filter=${q({ status: 'Rejected' })}`);
    const sqlReasons = (await ctx.db.pool.query(`SELECT remittance_data #>> '{denial_codes,0}' AS k, count(*) AS n FROM claim WHERE status = 'Rejected' GROUP BY 1`)).rows;
    expect(counts(reasons.body.rows)).toEqual(sqlCounts(sqlReasons));
    expect(reasons.body.rows.length).toBeGreaterThan(1);
  });

  it("counts only a district admin's districts and a practitioner's own records", async () => {
    const district = await user('district.admin@demo.kcsos.invalid');
    const theirs = await as.districtAdmin('GET', `/claim/aggregate?group=${q(['district'])}`);
    expect(theirs.status).toBe(200);
    const sql = (await ctx.db.pool.query(`SELECT district AS k, count(*) AS n FROM claim WHERE district = ANY($1) GROUP BY 1`, [district.districts])).rows;
    expect(counts(theirs.body.rows)).toEqual(sqlCounts(sql));
    const all = Number((await ctx.db.pool.query('SELECT count(*) FROM claim')).rows[0].count);
    expect(theirs.body.rows.reduce((s: number, r: { count: number }) => s + r.count, 0)).toBeLessThan(all);

    const practitioner = await user('practitioner@demo.kcsos.invalid');
    const services = await as.practitioner('GET', `/service/aggregate?group=${q(['status'])}`);
    const own = (await ctx.db.pool.query(`SELECT status AS k, count(*) AS n FROM service WHERE practitioner_id = $1 GROUP BY 1`, [practitioner.id])).rows;
    expect(counts(services.body.rows)).toEqual(sqlCounts(own));
    // Granted the claim list, a practitioner counts the claims of their own students only.
    await grant('claim.list', 'practitioner', true);
    try {
      const claims = await as.practitioner('GET', `/claim/aggregate?group=${q(['status'])}`);
      expect(claims.status).toBe(200);
      const ownClaims = (await ctx.db.pool.query(`SELECT status AS k, count(*) AS n FROM claim WHERE student_ssid IN (SELECT ssid FROM student WHERE practitioner_id = $1) GROUP BY 1`, [practitioner.id])).rows;
      expect(counts(claims.body.rows)).toEqual(sqlCounts(ownClaims));
    } finally {
      await grant('claim.list', 'practitioner', false);
    }
    // Without the list permission there is no figure either.
    expect((await as.practitioner('GET', `/claim/aggregate?group=${q(['status'])}`)).status).toBe(403);
  });

  it('never groups, sums or filters by a field the caller may not see', async () => {
    await grant('student.sensitive', 'practitioner', false);
    try {
      for (const path of [
        `/student/aggregate?group=${q(['insurance_policy_number'])}`,
        `/student/aggregate?filter=${q({ insurance_policy_number_null: false })}`,
        `/student/aggregate?sum=${q(['insurance_policy_number'])}`,
      ]) {
        const res = await as.practitioner('GET', path);
        expect([path, res.status]).toEqual([path, 400]);
      }
      // The admin, who sees it, may filter by it.
      expect((await ctx.api('GET', `/student/aggregate?filter=${q({ insurance_policy_number_null: false })}`)).status).toBe(200);
    } finally {
      await grant('student.sensitive', 'practitioner', true);
    }
  });

  it('answers bad input with a 4xx that names it', async () => {
    const cases: [string, number][] = [
      [`/claim/aggregate?group=${q(['nope'])}`, 400],
      [`/claim/aggregate?group=${q(['status:month'])}`, 400],
      [`/claim/aggregate?group=${q(['service_date:year'])}`, 400],
      [`/claim/aggregate?group=${q(['status', 'district', 'service_code'])}`, 400],
      [`/claim/aggregate?group=not-json[`, 400],
      [`/claim/aggregate?group=${q([{ a: 1 }])}`, 400],
      [`/claim/aggregate?sum=${q(['status'])}`, 400],
      [`/claim/aggregate?sum=${q(['remittance_data'])}`, 400],
      [`/claim/aggregate?filter=${q({ nope: 1 })}`, 400],
      [`/claim/aggregate?filter=notjson`, 400],
      [`/claim/aggregate?group=${q(["status'; DROP TABLE claim; --"])}`, 400],
      [`/no_such_table/aggregate`, 404],
    ];
    for (const [path, status] of cases) {
      const res = await ctx.api('GET', path);
      expect([path, res.status]).toEqual([path, status]);
      expect(JSON.stringify(res.body)).not.toMatch(/SELECT|stack/i);
    }
    expect((await fetch(`${ctx.app.url}/api/claim/aggregate`)).status).toBe(401);
  });
});

describe('GET /api/dashboard', () => {
  const figureIds = (body: { sections: { figures: { id: string }[] }[] }) => body.sections.flatMap((s) => s.figures.map((f) => f.id));

  it('gives each role the figures its permissions open', async () => {
    const admin = figureIds((await ctx.api('GET', '/dashboard')).body);
    expect(admin).toEqual(expect.arrayContaining(['changes-by-table', 'changes-by-user', 'undos', 'recent-actions', 'claims-by-status', 'billed-vs-paid', 'rejected-by-reason', 'fee-codes-without-rate', 'expired-qualifications', 'users-without-practitioner-type']));
    const supervisor = figureIds((await as.supervisor('GET', '/dashboard')).body);
    expect(supervisor).toEqual(expect.arrayContaining(['changes-by-table', 'recent-actions', 'claims-by-status']));
    expect(supervisor).not.toContain('fee-codes-without-rate');
    const district = figureIds((await as.districtAdmin('GET', '/dashboard')).body);
    expect(district).toEqual(expect.arrayContaining(['claims-by-status', 'billed-vs-paid', 'rejected-by-reason']));
    expect(district).not.toContain('changes-by-table');
    expect(figureIds((await as.practitioner('GET', '/dashboard')).body)).toEqual(['services-by-status']);
  });

  it("health figures count what their linked lists list", async () => {
    const health = (await ctx.api('GET', '/dashboard')).body.sections.find((s: { title: string }) => s.title === 'Reference data health');
    await ctx.db.pool.query(`UPDATE fee_schedule_code SET rate_amount = NULL WHERE id IN (SELECT id FROM fee_schedule_code ORDER BY id LIMIT 2)`);
    for (const figure of health.figures) {
      const figures = await ctx.api('GET', `/${figure.resource}/aggregate?filter=${q(figure.filter)}`);
      const list = await ctx.api('GET', `/${figure.resource}?filter=${q(figure.filter)}&range=${q([0, 999])}`);
      expect([figure.id, list.status]).toEqual([figure.id, 200]);
      expect([figure.id, figures.body.rows[0].count]).toEqual([figure.id, list.body.length]);
    }
    const rates = health.figures.find((f: { id: string }) => f.id === 'fee-codes-without-rate');
    expect((await ctx.api('GET', `/fee_schedule_code/aggregate?filter=${q(rates.filter)}`)).body.rows[0].count).toBeGreaterThanOrEqual(2);
    // The named filter behind "users without a practitioner type".
    const users = health.figures.find((f: { id: string }) => f.id === 'users-without-practitioner-type');
    const listed = (await ctx.api('GET', `/app_user?filter=${q(users.filter)}&range=${q([0, 999])}`)).body as { id: number }[];
    const sql = (await ctx.db.pool.query(`SELECT count(*) FROM app_user u WHERE status = 'Active' AND email <> 'system@kcsos.invalid' AND department IS DISTINCT FROM 'API keys' AND NOT EXISTS (SELECT 1 FROM user_practitioner_type t WHERE t.user_id = u.id)`)).rows[0].count;
    expect(listed.length).toBe(Number(sql));
    expect((await ctx.api('GET', `/app_user?filter=${q({ without_practitioner_type: 'maybe' })}`)).status).toBe(400);
  });
});
