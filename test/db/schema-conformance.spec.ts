import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { migrate } from '../../server/db/database.js';
import { testDatabase, type TestDatabase } from '../support/database.js';

/** The data dictionary's tables, transcribed into test/fixtures so that a fresh clone carries all the test needs. */
interface Column {
  name: string;
  type: string;
  nullable: boolean;
  default: string | null;
  unique: boolean;
  references: string | null;
  onDelete: 'CASCADE' | null;
}
const dictionary: Record<string, { columns: Column[]; unique: string[][] }> = JSON.parse(
  readFileSync(new URL('../fixtures/dictionary-schema.json', import.meta.url), 'utf8'),
);
/** Columns the product adds on purpose (change sets and reasons on the audit log). */
const EXTRA: Record<string, string[]> = { audit_log: ['txid', 'reason'], permission_item: ['support'] };
/** Tables the product adds for sign-in (credentials, sessions, rate-limit counters). */
const SIGN_IN_TABLES = ['api_key', 'auth_session', 'login_rate_limit', 'mfa_recovery_code', 'oidc_login', 'user_credential', 'user_mfa'];
/** Tables the product adds for its own features (saved list views). */
const PRODUCT_TABLES = ['saved_view'];
/** State shared by app replicas: read-your-writes (server/db/read-router.ts), the matrix version. */
const REPLICA_TABLES = ['permission_matrix_version', 'recent_write'];
/** The record of access, of sign-ins, of write conflicts and of what each undo undid, the seals chaining the logs, the archived months and the signed chain heads (server/audit/access-log.sql.ts, auth-event.sql.ts, write-conflict.sql.ts, audit-undo.sql.ts, chain.sql.ts, archives.sql.ts). */
const AUDIT_TABLES = ['access_log', 'audit_seal', 'auth_event', 'audit_archive', 'audit_checkpoint', 'write_conflict', 'audit_undo'];
const FILTERED = ['status', 'district', 'service_date', 'last_name', 'ssid', 'claim_number', 'batch_number'];

let db: TestDatabase;
let columns: Map<string, Record<string, any>>;
let uniques: { table: string; columns: string[] }[];
let fks: Map<string, { target: string; rule: string }>;
let indexed: { table: string; first: string }[];

function dictType(c: Record<string, any>): string {
  const serial = typeof c.column_default === 'string' && c.column_default.startsWith('nextval(');
  switch (c.data_type) {
    case 'integer':
      return serial ? 'SERIAL' : 'INTEGER';
    case 'bigint':
      return serial ? 'BIGSERIAL' : 'BIGINT';
    case 'ARRAY':
      return c.udt_name === '_text' ? 'TEXT[]' : `ARRAY ${c.udt_name}`;
    case 'numeric':
      return c.numeric_precision ? `NUMERIC(${c.numeric_precision},${c.numeric_scale})` : 'NUMERIC';
    case 'time without time zone':
      return 'TIME';
    case 'timestamp with time zone':
      return 'TIMESTAMPTZ';
    default:
      return String(c.data_type).toUpperCase();
  }
}

function dictDefault(c: Record<string, any>): string | null {
  const d = c.column_default as string | null;
  if (d === null || d.startsWith('nextval(')) return null;
  return d.replace(/::text$/, '').toUpperCase();
}

beforeAll(async () => {
  db = await testDatabase({ empty: true });
  await migrate(db);
  const cols = await db.pool.query(
    `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, numeric_precision, numeric_scale
       FROM information_schema.columns WHERE table_schema = 'public'`,
  );
  columns = new Map(cols.rows.map((r) => [`${r.table_name}.${r.column_name}`, r]));
  const uq = await db.pool.query(
    `SELECT c.conrelid::regclass::text AS table, array_agg(a.attname ORDER BY a.attnum)::text[] AS columns
       FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
      WHERE c.contype = 'u' GROUP BY c.oid, c.conrelid`,
  );
  uniques = uq.rows;
  const fk = await db.pool.query(
    `SELECT c.conrelid::regclass::text AS table, a.attname AS column, c.confrelid::regclass::text AS target_table,
            ta.attname AS target_column, c.confdeltype AS rule
       FROM pg_constraint c
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       JOIN pg_attribute ta ON ta.attrelid = c.confrelid AND ta.attnum = c.confkey[1]
      WHERE c.contype = 'f'`,
  );
  fks = new Map(fk.rows.map((r) => [`${r.table}.${r.column}`, { target: `${r.target_table}.${r.target_column}`, rule: r.rule }]));
  const ix = await db.pool.query(
    `SELECT t.relname AS table, a.attname AS first
       FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
      WHERE n.nspname = 'public'`,
  );
  indexed = ix.rows;
});

afterAll(async () => {
  await db?.drop();
});

describe('the migrated schema matches the data dictionary', () => {
  it('has exactly the 21 tables (and the sign-in, product and replica ones), audit_log\'s monthly partitions aside', async () => {
    const { rows } = await db.pool.query(
      `SELECT c.relname AS tablename FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'mikro_orm_migrations' ORDER BY 1`,
    );
    expect(rows.map((r) => r.tablename)).toEqual([...Object.keys(dictionary), ...SIGN_IN_TABLES, ...PRODUCT_TABLES, ...REPLICA_TABLES, ...AUDIT_TABLES].sort());
  });

  for (const [table, spec] of Object.entries(dictionary)) {
    describe(table, () => {
      it('has exactly the dictionary columns', () => {
        const actual = [...columns.keys()].filter((k) => k.startsWith(table + '.')).map((k) => k.slice(table.length + 1)).sort();
        expect(actual).toEqual([...spec.columns.map((c) => c.name), ...(EXTRA[table] ?? [])].sort());
      });

      for (const col of spec.columns) {
        it(`${col.name}: ${col.type}${col.nullable ? '' : ' NOT NULL'}${col.default ? ' DEFAULT ' + col.default : ''}${col.unique ? ' UNIQUE' : ''}${col.references ? ' -> ' + col.references : ''}`, () => {
          const actual = columns.get(`${table}.${col.name}`)!;
          expect(dictType(actual)).toBe(col.type);
          expect(actual.is_nullable === 'YES').toBe(col.nullable && !['SERIAL', 'BIGSERIAL'].includes(col.type));
          expect(dictDefault(actual)).toBe(col.default === null ? null : col.default.toUpperCase());
          const singleUnique = uniques.some((u) => u.table === table && u.columns.length === 1 && u.columns[0] === col.name);
          expect(singleUnique).toBe(col.unique);
          const fk = fks.get(`${table}.${col.name}`);
          expect(fk?.target ?? null).toBe(col.references);
          if (col.references) expect(fk!.rule).toBe(col.onDelete === 'CASCADE' ? 'c' : 'a');
          if (col.references || FILTERED.includes(col.name)) {
            expect(indexed.some((i) => i.table === table && i.first === col.name)).toBe(true);
          }
        });
      }

      for (const composite of spec.unique) {
        it(`is unique on (${composite.join(', ')})`, () => {
          expect(uniques.some((u) => u.table === table && u.columns.join() === [...composite].sort().join() || u.table === table && u.columns.join() === composite.join())).toBe(true);
        });
      }
    });
  }

  it('indexes audit_log for history look-ups and the audit browser', () => {
    expect(indexed.some((i) => i.table === 'audit_log' && i.first === 'table_name')).toBe(true);
    expect(indexed.some((i) => i.table === 'audit_log' && i.first === 'occurred_at')).toBe(true);
  });

  it('has the six join tables cascade from both parents', () => {
    const cascading = [...fks.entries()].filter(([k, f]) => f.rule === 'c' && k.split('.')[0] in dictionary).map(([k]) => k.split('.')[0]);
    expect(new Set(cascading)).toEqual(
      new Set(['fee_code_practitioner_type', 'fee_code_modifier', 'user_qualification', 'user_authorized_service', 'user_practitioner_type', 'group_membership']),
    );
    expect(cascading).toHaveLength(12);
  });

  it('is fully described by the entities: MikroORM sees nothing to change', async () => {
    const diff = await db.orm.schema.getUpdateSchemaSQL({ wrap: false, safe: true });
    expect(diff.trim()).toBe('');
  });
});
