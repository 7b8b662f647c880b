import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { testDatabase, type TestDatabase } from '../support/database.js';

/**
 * The queries behind the lists people use most are served by an index (checked with EXPLAIN, with
 * sequential scans disabled so the small test data cannot hide a missing index: the planner would
 * rather scan a few hundred rows than use one).
 */
let db: TestDatabase;

beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => db?.drop());

async function plan(sql: string, params: unknown[] = [], strict = false): Promise<string> {
  const client = await db.pool.connect();
  try {
    await client.query('SET enable_seqscan = off');
    // Strict: no bitmap-and-sort either, so only an index in the query's own order can serve it.
    if (strict) await client.query('SET enable_bitmapscan = off; SET enable_sort = off');
    const { rows } = await client.query(`EXPLAIN ${sql}`, params);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await client.query('RESET enable_seqscan; RESET enable_bitmapscan; RESET enable_sort');
    client.release();
  }
}

describe('indexes', () => {
  for (const order of ['ASC', 'DESC']) {
    it(`serve a district's claims of one status by date (${order}) as one range scan, no sort`, async () => {
      // The order the engine emits (server/engine/plan/plan-list.ts): NULLs where the index has them.
      const p = await plan(`SELECT * FROM claim WHERE status = 'Paid' AND district = 'Kern High School District' ORDER BY service_date ${order}, id ${order} LIMIT 25`, [], true);
      expect(p).toMatch(order === 'ASC' ? /Index Scan using claim_status_district_service_date_index/ : /Index Scan Backward using claim_status_district_service_date_index/);
      expect(p).not.toMatch(/Sort/);
    });
  }

  it('serve a sort by an indexed field both ways from one (field, id) index, no sort', async () => {
    for (const [table, column] of [['claim', 'service_date'], ['claim', 'status'], ['student', 'last_name'], ['service', 'service_date'], ['audit_log', 'occurred_at']]) {
      for (const order of ['ASC', 'DESC']) {
        const p = await plan(`SELECT * FROM ${table} ORDER BY ${column} ${order}, id ${order} LIMIT 25`, [], true);
        expect(p).toMatch(new RegExp(`${table}(_p\\d{4}_\\d\\d)?_${column}_id_(index|idx)`));
        // No sort node (a Merge Append of the audit log's partitions, each in index order, is fine).
        expect(p).not.toMatch(/Sort\s+\(cost/);
      }
    }
  });

  it('serve a practitioner\'s claims scope from the student index alone', async () => {
    const p = await plan(`SELECT ssid FROM student WHERE practitioner_id = $1`, [5], true);
    expect(p).toMatch(/Index Only Scan using student_practitioner_id_id_index/);
  });

  it('serve a page of claims by id', async () => {
    expect(await plan(`SELECT * FROM claim ORDER BY id ASC LIMIT 25 OFFSET 50`)).toMatch(/Index Scan using claim_pkey/);
  });

  it('serve a record\'s history', async () => {
    expect(await plan(`SELECT * FROM audit_log WHERE table_name = 'claim' AND record_pk = '{"id": 5}' ORDER BY id DESC LIMIT 1000`)).toMatch(/audit_log_p\d{4}_\d\d_table_name_record_pk_idx/);
  });

  it('serve q on students through trigram indexes (names) and prefix btrees (identifiers)', async () => {
    const p = await plan(`SELECT * FROM student WHERE last_name ILIKE $1 OR first_name ILIKE $1 OR lower(ssid) LIKE $2 OR lower(local_id) LIKE $2`, ['%mith%', '9000%']);
    expect(p).toMatch(/student_last_name_trgm/);
    expect(p).toMatch(/student_first_name_trgm/);
    expect(p).toMatch(/student_ssid_prefix/);
    expect(p).toMatch(/student_local_id_prefix/);
  });

  it('serve q on claims: every identifier by its prefix btree, the student name by trigrams', async () => {
    const p = await plan(
      `SELECT id FROM claim WHERE lower(claim_number) LIKE $1 OR lower(batch_number) LIKE $1 OR lower(service_code) LIKE $1 OR lower(student_ssid) LIKE $1 OR student_name ILIKE $2`,
      ['clm-0001%', '%clm-0001%'],
    );
    for (const index of ['claim_claim_number_prefix', 'claim_batch_number_prefix', 'claim_service_code_prefix', 'claim_student_ssid_prefix', 'claim_student_name_trgm']) expect(p).toContain(index);
  });

  it('serve getManyReference on every foreign key', async () => {
    for (const [table, column] of [['service', 'student_id'], ['claim', 'student_ssid'], ['group_membership', 'student_id'], ['fee_code_modifier', 'fee_schedule_code_id']]) {
      expect(await plan(`SELECT * FROM ${table} WHERE ${column} = $1 ORDER BY id LIMIT 25`, [column === 'student_ssid' ? 'x' : 1])).toMatch(/Index|Bitmap/);
    }
  });
});
