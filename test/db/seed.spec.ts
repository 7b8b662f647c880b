import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { migrate } from '../../server/db/database.js';
import { seed } from '../../server/seed/seed.js';
import { testDatabase, type TestDatabase } from '../support/database.js';

const TABLES = ['app_user', 'organization', 'qualification', 'billing_code', 'practitioner_type', 'modifier', 'fee_schedule_code', 'fee_code_practitioner_type', 'fee_code_modifier', 'user_qualification', 'user_authorized_service', 'user_practitioner_type', 'student', 'service', 'claim', 'permission_category', 'permission_item', 'service_group', 'group_membership', 'file_metadata'];
const CLOCK = ['created_at', 'updated_at', 'last_modified_at', 'uploaded_at', 'created_date', 'last_login'];

/** Content fingerprint of every table, leaving out the clock-driven columns. */
async function fingerprint(db: TestDatabase): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of TABLES) {
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg((to_jsonb(x) - $1::text[])::text, '|' ORDER BY x.id), '')) AS h FROM ${t} x`,
      [CLOCK],
    );
    out[t] = `${rows[0].n}:${rows[0].h}`;
  }
  return out;
}

let a: TestDatabase;
let b: TestDatabase;

beforeAll(async () => {
  [a, b] = [await testDatabase({ empty: true }), await testDatabase({ empty: true })];
  await Promise.all([migrate(a), migrate(b)]);
});
afterAll(async () => Promise.all([a?.drop(), b?.drop()]));

describe('seed', () => {
  it('is deterministic: the same scale gives the same rows in two databases', async () => {
    const report = await seed(a, { scale: 400 });
    await seed(b, { scale: 400 });
    expect(report.inserted.claim).toBe(400);
    expect(report.inserted.student).toBe(40);
    expect(await fingerprint(a)).toEqual(await fingerprint(b));
  });

  it('is idempotent: a second run adds nothing, not even audit rows', async () => {
    const before = await fingerprint(a);
    const audit = (await a.pool.query(`SELECT count(*)::int AS n FROM audit_log`)).rows[0].n;
    const report = await seed(a, { scale: 400 });
    expect(Object.values(report.inserted).every((n) => n === 0)).toBe(true);
    expect(await fingerprint(a)).toEqual(before);
    expect((await a.pool.query(`SELECT count(*)::int AS n FROM audit_log`)).rows[0].n).toBe(audit);
  });

  it('holds reference data, the permission matrix, demo users of every role and coherent operational data', async () => {
    const one = async (sql: string) => (await a.pool.query(sql)).rows;
    expect((await one(`SELECT code FROM modifier ORDER BY code`)).map((r) => r.code)).toEqual(['93', '95', 'HA', 'HQ', 'U1', 'U2', 'U4']);
    expect((await one(`SELECT DISTINCT role FROM app_user ORDER BY role`)).map((r) => r.role)).toEqual(['Admin', 'District Admin', 'Practitioner', 'Supervisor', 'Support']);
    expect((await one(`SELECT count(*)::int AS n FROM fee_schedule_code WHERE source_version LIKE 'sample%'`))[0].n).toBeGreaterThan(10);
    expect((await one(`SELECT count(*)::int AS n FROM permission_item WHERE name = 'claim.edit'`))[0].n).toBe(1);
    // Every claim modifier exists in modifier.code, every paid or rejected claim has remittance data.
    expect((await one(`SELECT count(*)::int AS n FROM claim c, unnest(c.modifiers) m WHERE m NOT IN (SELECT code FROM modifier)`))[0].n).toBe(0);
    expect((await one(`SELECT count(*)::int AS n FROM claim WHERE status IN ('Paid', 'Rejected') AND remittance_data IS NULL`))[0].n).toBe(0);
    // Seeded rows are recorded as the system account.
    expect((await one(`SELECT count(*)::int AS n FROM audit_log WHERE table_name = 'claim' AND (user_id IS NULL OR reason <> 'seed')`))[0].n).toBe(0);
  });
});
