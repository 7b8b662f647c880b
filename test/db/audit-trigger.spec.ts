import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AUDIT_TRIGGER_NAME, attachAuditTriggerSql } from '../../server/audit/audit-trigger.sql.js';
import { auditedTables, ensureAuditTriggers } from '../../server/audit/ensure-audit-triggers.js';
import { inUnitOfWork } from '../../server/db/unit-of-work.js';
import { testDatabase, type TestDatabase } from '../support/database.js';

let db: TestDatabase;
let userId: number;

const CORE_TABLES = [
  'app_user', 'organization', 'qualification', 'billing_code', 'practitioner_type', 'modifier', 'fee_schedule_code',
  'fee_code_practitioner_type', 'fee_code_modifier', 'user_qualification', 'user_authorized_service', 'user_practitioner_type',
  'student', 'service', 'claim', 'permission_category', 'permission_item', 'service_group', 'group_membership', 'file_metadata',
];

async function auditRows(table: string, id: number) {
  const { rows } = await db.pool.query(
    `SELECT action, user_id, reason, txid, changed_data, old_data, record_pk FROM audit_log
      WHERE table_name = $1 AND record_pk = jsonb_build_object('id', $2::int) ORDER BY id`,
    [table, id],
  );
  return rows;
}

beforeAll(async () => {
  db = await testDatabase();
  userId = (await db.pool.query(`SELECT id FROM app_user WHERE email = 'support@demo.kcsos.invalid'`)).rows[0].id;
});
afterAll(async () => db?.drop());

describe('audit trigger', () => {
  it('is attached to all 20 core tables (and credentials, second factors, API keys and saved views), not to audit_log, sessions or counters', async () => {
    const { rows } = await db.pool.query(`SELECT tgrelid::regclass::text AS t FROM pg_trigger WHERE tgname = $1`, [AUDIT_TRIGGER_NAME]);
    const expected = [...CORE_TABLES, 'user_credential', 'user_mfa', 'api_key', 'saved_view'].sort();
    expect(rows.map((r) => r.t).sort()).toEqual(expected);
    // The migrated database and the entities' declarations agree, so neither can drift.
    expect(auditedTables(db).map((t) => t.table).sort()).toEqual(expected);
  });

  it('writes one correct row per INSERT, UPDATE and DELETE with the user and reason of the transaction', async () => {
    const id = await inUnitOfWork(db.pool, { userId, reason: 'new code' }, async (tx) =>
      (await tx.query(`INSERT INTO modifier (code, description) VALUES ('ZZ', 'test') RETURNING id`)).rows[0].id,
    );
    await inUnitOfWork(db.pool, { userId, reason: 'clarify' }, (tx) => tx.query(`UPDATE modifier SET description = 'changed' WHERE id = $1`, [id]));
    await inUnitOfWork(db.pool, { userId, reason: null }, (tx) => tx.query(`DELETE FROM modifier WHERE id = $1`, [id]));
    const rows = await auditRows('modifier', id);
    expect(rows.map((r) => [r.action, r.user_id, r.reason])).toEqual([
      ['INSERT', userId, 'new code'],
      ['UPDATE', userId, 'clarify'],
      ['DELETE', userId, null],
    ]);
    expect(rows[0].record_pk).toEqual({ id });
    expect(rows[0].old_data).toBeNull();
    expect(rows[0].changed_data).toMatchObject({ id, code: 'ZZ', description: 'test' });
    expect(rows[1].old_data).toMatchObject({ description: 'test' });
    expect(rows[1].changed_data).toMatchObject({ description: 'changed' });
    expect(rows[2].changed_data).toBeNull();
    expect(rows[2].old_data).toMatchObject({ id, code: 'ZZ', description: 'changed' });
    expect(new Set(rows.map((r) => r.txid)).size).toBe(3);
  });

  it('groups one transaction\'s rows under one txid (a change set)', async () => {
    const ids = await inUnitOfWork(db.pool, { userId }, async (tx) => {
      const a = (await tx.query(`INSERT INTO modifier (code) VALUES ('Z1') RETURNING id`)).rows[0].id;
      const b = (await tx.query(`INSERT INTO modifier (code) VALUES ('Z2') RETURNING id`)).rows[0].id;
      return [a, b];
    });
    const [a, b] = [await auditRows('modifier', ids[0]), await auditRows('modifier', ids[1])];
    expect(a[0].txid).toBe(b[0].txid);
  });

  it('writes nothing for an UPDATE that changes nothing', async () => {
    const student = (await db.pool.query(`SELECT id, last_name FROM student ORDER BY id LIMIT 1`)).rows[0];
    const before = (await auditRows('student', student.id)).length;
    await inUnitOfWork(db.pool, { userId }, (tx) => tx.query(`UPDATE student SET last_name = last_name WHERE id = $1`, [student.id]));
    expect(await auditRows('student', student.id)).toHaveLength(before);
  });

  it('leaves nothing behind when the transaction rolls back', async () => {
    const count = async () => Number((await db.pool.query(`SELECT count(*) FROM audit_log`)).rows[0].count);
    const before = await count();
    await expect(
      inUnitOfWork(db.pool, { userId }, async (tx) => {
        await tx.query(`INSERT INTO modifier (code) VALUES ('RB')`);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await count()).toBe(before);
    expect((await db.pool.query(`SELECT 1 FROM modifier WHERE code = 'RB'`)).rowCount).toBe(0);
  });

  it('records user NULL for a write that never set the user (a psql session)', async () => {
    // The same pooled connections served transactions with a user: the setting must not leak.
    const { rows } = await db.pool.query(`INSERT INTO modifier (code) VALUES ('PS') RETURNING id`);
    const [row] = await auditRows('modifier', rows[0].id);
    expect(row.user_id).toBeNull();
    expect(row.reason).toBeNull();
  });

  it('makes audit_log append-only: UPDATE, DELETE and TRUNCATE fail', async () => {
    await expect(db.pool.query(`UPDATE audit_log SET reason = 'x'`)).rejects.toThrow(/append-only/);
    await expect(db.pool.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(db.pool.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
  });

  it('is attached by one helper, and a table that lacks it gets it from ensureAuditTriggers', async () => {
    await db.pool.query(`DROP TRIGGER ${AUDIT_TRIGGER_NAME} ON claim`);
    expect(await ensureAuditTriggers(db)).toEqual(['claim']);
    expect(await ensureAuditTriggers(db)).toEqual([]);
    expect(attachAuditTriggerSql('widget', ['secret'])).toContain(`audit_row_change('secret')`);
  });

  it('leaves out the columns a trigger is told to mask, while still recording the event', async () => {
    await db.pool.query(`CREATE TABLE masked_thing (id serial primary key, name text, secret text)`);
    await db.pool.query(attachAuditTriggerSql('masked_thing', ['secret']));
    const id = (await db.pool.query(`INSERT INTO masked_thing (name, secret) VALUES ('a', 'hash1') RETURNING id`)).rows[0].id;
    await db.pool.query(`UPDATE masked_thing SET secret = 'hash2' WHERE id = $1`, [id]);
    const rows = await auditRows('masked_thing', id);
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows)).not.toMatch(/hash[12]/);
    expect(rows[0].changed_data).toEqual({ id, name: 'a' });
    expect(rows[1].old_data).toEqual({ id, name: 'a' });
  });
});
