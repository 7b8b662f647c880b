import { beforeAll, describe, expect, it } from '@jest/globals';
import { client, DEMO, q, serverForTests, signIn } from '../support/server.js';

/**
 * The second hostile review's findings, one named test each: a signed evidence file that would not
 * fit in memory is refused, and one needs the sensitive fields it would hold; an API key follows its
 * creator's role and districts; the access log names no other district's student and no hidden
 * field's value; a guesser at one address cannot lock the owner out elsewhere; undo names no event
 * the caller may not see; a user's live keys are bounded.
 */
// Behind a proxy that tells client addresses (TRUST_PROXY), so the sign-in test can come from two.
const ctx = serverForTests({ env: { TRUST_PROXY: 'true' } });
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
const one = async (sql: string, params: unknown[] = []) => (await ctx.db.pool.query(sql, params)).rows[0];
const grant = async (name: string, patch: Record<string, boolean>) => {
  const [item] = (await ctx.api('GET', `/permission_item?filter=${q({ name })}`)).body;
  expect((await ctx.api('PUT', `/permission_item/${item.id}`, patch)).status).toBe(200);
};

describe('signed evidence', () => {
  it('refuses a range whose rows would not fit the file budget with 413, and the server stays up', async () => {
    // Over 10 MB of audit rows (each update's row before and after): more than one evidence file may hold.
    await ctx.db.pool.query(`SELECT set_config('app.change_reason', 'evidence budget', false)`);
    await ctx.db.pool.query(`UPDATE claim SET service_description = repeat('x', 6000) || id`);
    // Sealed shortly after commit: wait until the sealer has caught up.
    for (let i = 0; i < 100; i++) {
      const left = await one(`SELECT count(*)::int AS n FROM audit_log a WHERE NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.chain = 'audit_log' AND s.event_id = a.id)`);
      if (left.n === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const today = new Date().toISOString().slice(0, 10);
    const res = await ctx.api('GET', `/evidence/audit_log?from=2020-01-01&to=${today}`);
    expect(res.status).toBe(413);
    expect(res.body.message).toMatch(/at most 4 MB: export a shorter range/);
    expect((await ctx.api('GET', '/health')).status).toBe(200);
  });

  it('is refused to whoever may not see the sensitive fields it would hold', async () => {
    await grant('student.sensitive', { supervisor: false });
    try {
      const supervisor = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'supervisor'));
      const record = await supervisor('GET', '/student/12/history/evidence');
      expect(record.status).toBe(403);
      expect(record.body.message).toMatch(/student\.sensitive/);
      expect(JSON.stringify(record.body)).not.toMatch(/medi_cal|insurance/);
      const range = await supervisor('GET', '/evidence/audit_log?from=2026-01-01&to=2026-01-02');
      expect(range.status).toBe(403);
      // A table without sensitive fields is fine.
      expect((await supervisor('GET', '/claim/1/history/evidence')).status).toBe(200);
    } finally {
      await grant('student.sensitive', { supervisor: true });
    }
  });
});

describe('API keys follow their creator', () => {
  it('are revoked when the creator\'s role changes', async () => {
    const support = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'support'));
    const { key, id } = (await support('POST', '/auth/keys', { name: 'before demotion', expires_at: inDays(30) })).body;
    const script = client(`${ctx.app.url}/api`, { authorization: `Bearer ${key}` });
    expect((await script('GET', '/claim?range=[0,0]')).status).toBe(200);
    const supportId = (await one(`SELECT id FROM app_user WHERE email = $1`, [DEMO.support])).id;
    expect((await ctx.api('PUT', `/app_user/${supportId}`, { role: 'Practitioner' })).status).toBe(200);
    try {
      expect((await script('GET', '/claim?range=[0,0]')).status).toBe(401);
      expect((await one(`SELECT revoked_at IS NOT NULL AS revoked FROM api_key WHERE id = $1`, [id])).revoked).toBe(true);
    } finally {
      await ctx.api('PUT', `/app_user/${supportId}`, { role: 'Support' });
    }
  });

  it('are revoked when the creator\'s districts change', async () => {
    const admin = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'districtAdmin'));
    const { key } = (await admin('POST', '/auth/keys', { name: 'district sync', expires_at: inDays(30) })).body;
    const script = client(`${ctx.app.url}/api`, { authorization: `Bearer ${key}` });
    expect((await script('GET', '/student?range=[0,0]')).status).toBe(200);
    const me = await one(`SELECT id, districts FROM app_user WHERE email = $1`, [DEMO.districtAdmin]);
    expect((await ctx.api('PUT', `/app_user/${me.id}`, { districts: [me.districts[0]] })).status).toBe(200);
    try {
      expect((await script('GET', '/student?range=[0,0]')).status).toBe(401);
    } finally {
      await ctx.api('PUT', `/app_user/${me.id}`, { districts: me.districts });
    }
  });

  it('are bounded per creator', async () => {
    const practitioner = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'practitioner'));
    const answers: number[] = [];
    for (let i = 0; i < 21; i++) answers.push((await practitioner('POST', '/auth/keys', { name: `k${i}`, expires_at: inDays(1) })).status);
    expect(answers.slice(0, 20).every((s) => s === 201)).toBe(true);
    expect(answers[20]).toBe(409);
  });
});

describe('the access log', () => {
  it('names no other district\'s student to a district admin, and no hidden field\'s value to anyone', async () => {
    await grant('student.sensitive', { district_admin: false });
    try {
      const districts = (await one(`SELECT districts FROM app_user WHERE email = $1`, [DEMO.districtAdmin])).districts;
      const inside = await one(`SELECT id, insurance_policy_number FROM student WHERE district = ANY($1) AND insurance_policy_number IS NOT NULL ORDER BY id LIMIT 1`, [districts]);
      // The admin reads one student by a sensitive field, and a page of students of every district.
      expect((await ctx.api('GET', `/student?filter=${q({ insurance_policy_number: inside.insurance_policy_number })}`)).body.map((s: { id: number }) => s.id)).toEqual([inside.id]);
      expect((await ctx.api('GET', '/student?range=[0,49]')).status).toBe(200);
      const da = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'districtAdmin'));
      const outside = new Set((await ctx.db.pool.query(`SELECT id FROM student WHERE NOT district = ANY($1)`, [districts])).rows.map((r) => Number(r.id)));
      const log = await da('GET', `/access_log?sort=${q(['id', 'DESC'])}&range=[0,199]`);
      expect(log.status).toBe(200);
      const text = JSON.stringify(log.body);
      expect(text).not.toContain(inside.insurance_policy_number);
      for (const row of log.body as { table_name: string; record_ids: number[]; user_id: number }[]) {
        if (row.table_name === 'student' && row.user_id !== null) {
          const madeByTheirStaff = (await one(`SELECT districts && $2 AS theirs FROM app_user WHERE id = $1`, [row.user_id, districts]))?.theirs;
          if (!madeByTheirStaff) expect(row.record_ids.filter((id) => outside.has(id))).toEqual([]);
        }
      }
      const accesses = await da('GET', `/student/${inside.id}/accesses`);
      expect(accesses.status).toBe(200);
      expect(JSON.stringify(accesses.body)).not.toContain(inside.insurance_policy_number);
    } finally {
      await grant('student.sensitive', { district_admin: true });
    }
  });
});

describe('sign-in limits', () => {
  it('a guesser at one address, however fast, does not lock the owner out at another', async () => {
    const login = (address: string, password: string) =>
      fetch(`${ctx.app.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': address }, body: JSON.stringify({ email: DEMO.supervisor, password }) });
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await login('198.51.100.9', 'wrong password')).status);
    expect(statuses.filter((s) => s === 401).length).toBe(5);
    const owner = await login('203.0.113.10', 'supervisor-demo-pass');
    expect(owner.status).toBe(200);
  });
});

describe('undo', () => {
  it('answers an event the caller may not see as not found, naming neither its table nor its record', async () => {
    await grant('audit.revert', { district_admin: true });
    const districts = (await one(`SELECT districts FROM app_user WHERE email = $1`, [DEMO.districtAdmin])).districts;
    const outside = await one(`SELECT id FROM claim WHERE NOT district = ANY($1) ORDER BY id LIMIT 1`, [districts]);
    const claim = (await ctx.api('GET', `/claim/${outside.id}`)).body;
    await ctx.api('PUT', `/claim/${outside.id}`, { ...claim, carelon_id: 'HIDDEN-EVENT' });
    const event = await one(`SELECT id, txid FROM audit_log WHERE table_name = 'claim' AND record_pk = jsonb_build_object('id', $1::bigint) ORDER BY id DESC LIMIT 1`, [outside.id]);
    const da = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'districtAdmin'));
    const res = await da('POST', `/audit_log/${event.id}/revert`);
    expect(res.status).toBe(404);
    expect(res.body.message).toBe(`Audit event ${event.id} not found`);
    const set = await da('POST', `/audit_log/revert-change-set/${event.txid}`);
    expect(set.status).toBe(404);
    expect(set.body.message).toBe(`Change set ${event.txid} not found`);
  });
});
