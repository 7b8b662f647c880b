import { describe, expect, it } from '@jest/globals';
import { q, serverForTests } from '../support/server.js';

/**
 * Every filter is checked against the same question asked of PostgreSQL directly: the API must
 * return exactly the ids (and the total) that the SQL predicate selects.
 */
const ctx = serverForTests();

async function ids(resource: string, filter: unknown, sort: [string, string] = ['id', 'ASC']) {
  const res = await ctx.api('GET', `/${resource}?filter=${q(filter)}&sort=${q(sort)}&range=${q([0, 999])}`);
  expect(res.status).toBe(200);
  const total = Number(res.headers.get('content-range')!.split('/')[1]);
  return { ids: res.body.map((r: { id: number }) => r.id), total, rows: res.body };
}

async function sqlIds(table: string, where: string, params: unknown[] = []) {
  const { rows } = await ctx.db.pool.query(`SELECT id FROM ${table} WHERE ${where} ORDER BY id LIMIT 1000`, params);
  const count = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params);
  return { ids: rows.map((r) => Number(r.id)), total: count.rows[0].n };
}

const cases: [string, string, unknown, string, unknown[]][] = [
  // resource, description, filter, equivalent SQL, params
  ['claim', 'text equality', { status: 'Paid' }, `status = 'Paid'`, []],
  ['claim', 'array means IN', { status: ['Paid', 'Rejected'] }, `status IN ('Paid', 'Rejected')`, []],
  ['claim', 'id IN (getMany)', { id: [3, 1, 2] }, `id IN (1, 2, 3)`, []],
  ['claim', 'text _neq', { status_neq: 'Paid' }, `status IS DISTINCT FROM 'Paid'`, []],
  ['claim', 'text _like is case-insensitive contains', { student_name_like: 'son' }, `student_name ILIKE '%son%'`, []],
  ['claim', 'numeric(12,2) _gte', { billed_amount_gte: 100 }, `billed_amount >= 100`, []],
  ['claim', 'numeric(12,2) _lt with a string from a form', { billed_amount_lt: '50.5' }, `billed_amount < 50.5`, []],
  ['claim', 'numeric equality', { quantity: 2 }, `quantity = 2`, []],
  ['claim', 'date range', { service_date_gte: '2025-01-01', service_date_lte: '2025-03-31' }, `service_date BETWEEN '2025-01-01' AND '2025-03-31'`, []],
  ['claim', 'date _gt', { service_date_gt: '2026-01-01' }, `service_date > '2026-01-01'`, []],
  ['claim', 'boolean', { medi_cal_eligible: true }, `medi_cal_eligible`, []],
  ['claim', 'boolean as text', { consent_to_bill: 'false' }, `consent_to_bill = false`, []],
  ['claim', '_null true', { paid_amount_null: true }, `paid_amount IS NULL`, []],
  ['claim', '_null false', { remittance_data_null: false }, `remittance_data IS NOT NULL`, []],
  ['claim', 'null equality', { finalized_date: null }, `finalized_date IS NULL`, []],
  ['claim', 'TEXT[] contains one', { modifiers: 'HA' }, `modifiers @> ARRAY['HA']`, []],
  ['claim', 'TEXT[] contains all', { modifiers: ['HA', '95'] }, `modifiers @> ARRAY['HA', '95']`, []],
  ['claim', 'TEXT[] _like', { modifiers_like: 'h' }, `EXISTS (SELECT 1 FROM unnest(modifiers) m WHERE m ILIKE '%h%')`, []],
  ['claim', 'JSONB _null', { remittance_data_null: true }, `remittance_data IS NULL`, []],
  ['claim', 'combined', { status: 'Paid', district: 'Kern High School District', service_date_gte: '2025-06-01' }, `status = 'Paid' AND district = 'Kern High School District' AND service_date >= '2025-06-01'`, []],
  ['service', 'TIME _gte', { service_time_gte: '11:00' }, `service_time >= '11:00'`, []],
  ['service', 'INTEGER equality', { duration_minutes: 60 }, `duration_minutes = 60`, []],
  ['service', 'INTEGER _lte', { duration_minutes_lte: 30 }, `duration_minutes <= 30`, []],
  ['service', 'reference (getManyReference)', { student_id: 5 }, `student_id = 5`, []],
  ['student', 'SMALLINT', { grade: 4 }, `grade = 4`, []],
  ['student', 'SMALLINT _gt', { grade_gt: 9 }, `grade > 9`, []],
  ['student', 'DATE equality', { birthdate_gte: '2015-01-01' }, `birthdate >= '2015-01-01'`, []],
  ['student', 'text equality on a reference by ssid', { ssid: '9000000130' }, `ssid = '9000000130'`, []],
  ['audit_log', 'BIGINT _gt', { id_gt: 100 }, `id > 100`, []],
  ['audit_log', 'TIMESTAMPTZ _lte', { occurred_at_lte: '2999-01-01T00:00:00Z' }, `occurred_at <= '2999-01-01'`, []],
  ['audit_log', 'JSONB equality', { record_pk: { id: 3 }, table_name: 'student' }, `record_pk = '{"id": 3}' AND table_name = 'student'`, []],
  ['file_metadata', 'BIGINT equality', { file_size_bytes: 40003 }, `file_size_bytes = 40003`, []],
  ['qualification', 'TEXT[] on qualification requirements', { requirements: 'Fieldwork' }, `requirements @> ARRAY['Fieldwork']`, []],
];

describe('filters match the equivalent SQL', () => {
  for (const [resource, what, filter, where, params] of cases) {
    it(`${resource}: ${what}`, async () => {
      const expected = await sqlIds(resource, where, params);
      expect(expected.total).toBeGreaterThan(0);
      expect(await ids(resource, filter)).toMatchObject(expected);
    });
  }

  it('a date without a time on a timestamp field names the whole day, as a date picker means it', async () => {
    // Days in the database's own time zone: the day of the latest event, and the day before the
    // first (the template database may have been seeded before a midnight the run then crosses).
    const { today, yesterday } = (await ctx.db.pool.query(`SELECT max(occurred_at)::date::text AS today, (min(occurred_at)::date - 1)::text AS yesterday FROM audit_log`)).rows[0];
    const day = `occurred_at >= $1::date AND occurred_at < $1::date + 1`;
    const checks: [Record<string, string>, string][] = [
      [{ occurred_at_lte: today }, `occurred_at < $1::date + 1`],
      [{ occurred_at_gte: today, occurred_at_lte: today }, day],
      [{ occurred_at: today }, day],
      [{ occurred_at_lt: today }, `occurred_at < $1::date`],
      [{ occurred_at_gt: yesterday }, `occurred_at >= $1::date`],
    ];
    for (const [filter, where] of checks) {
      const expected = await sqlIds('audit_log', where, [today]);
      expect(await ids('audit_log', filter)).toMatchObject(expected);
    }
    expect((await ids('audit_log', { occurred_at_lte: today })).total).toBeGreaterThan(0);
    expect((await ids('audit_log', { occurred_at: today })).total).toBeGreaterThan(0);
    expect((await ids('audit_log', { occurred_at_lte: yesterday })).total).toBe(0);
    const otherDays = (await ctx.db.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE NOT (occurred_at >= $1::date AND occurred_at < $1::date + 1)`, [today])).rows[0].n;
    expect((await ids('audit_log', { occurred_at_neq: today })).total).toBe(otherDays);
  });

  it('q searches the declared search fields case-insensitively, and ids', async () => {
    const student = (await ctx.db.pool.query(`SELECT id, last_name FROM student ORDER BY id LIMIT 1`)).rows[0];
    const term = student.last_name.slice(1, 4).toUpperCase();
    // Names anywhere; identifiers (ssid, local_id) by their start.
    const expected = await sqlIds('student', `concat_ws(' ', last_name, first_name, preferred_name) ILIKE $1 OR lower(ssid) LIKE $2 OR lower(local_id) LIKE $2`, [`%${term}%`, `${term.toLowerCase()}%`]);
    expect(await ids('student', { q: term })).toMatchObject(expected);
    expect((await ids('student', { q: String(student.id) })).ids).toContain(student.id);
  });

  it('q finds an identifier by its start, in any case, not by its middle', async () => {
    const student = (await ctx.db.pool.query(`SELECT id, ssid, local_id FROM student ORDER BY id LIMIT 1`)).rows[0];
    const start = student.local_id.slice(0, -1).toLowerCase();
    expect(await ids('student', { q: start })).toMatchObject(await sqlIds('student', `lower(ssid) LIKE $1 OR lower(local_id) LIKE $1`, [`${start}%`]));
    const middle = student.ssid.slice(1);
    expect(Number(middle)).not.toBe(student.id);
    expect(await ids('student', { q: middle })).toMatchObject(await sqlIds('student', `concat_ws(' ', last_name, first_name, preferred_name) ILIKE $1 OR lower(ssid) LIKE $2 OR lower(local_id) LIKE $2 OR id = $3`, [`%${middle}%`, `${middle.toLowerCase()}%`, /^\d{1,9}$/.test(middle) ? Number(middle) : -1]));
    expect((await ids('student', { q: middle })).ids).not.toContain(student.id);
  });

  it('q searches every text field of a resource that declares none', async () => {
    const expected = await sqlIds('modifier', `concat_ws(' ', code, description, notes) ILIKE '%telemedicine%'`);
    expect(await ids('modifier', { q: 'TELEMEDICINE' })).toMatchObject(expected);
  });

  it('q treats % and _ literally', async () => {
    expect((await ids('student', { q: '%' })).total).toBe(0);
    expect((await ids('student', { q: '_' })).total).toBe(0);
  });
});

describe('sort and range', () => {
  for (const [resource, field] of [['claim', 'service_date'], ['claim', 'billed_amount'], ['claim', 'status'], ['student', 'last_name'], ['service', 'service_time'], ['audit_log', 'occurred_at'], ['claim', 'medi_cal_eligible'], ['claim', 'finalized_date']]) {
    for (const order of ['ASC', 'DESC']) {
      it(`${resource} by ${field} ${order}, id breaking ties, pages that fit together`, async () => {
        // NULLs sort as the greatest value (PostgreSQL's default): last ascending, first descending.
        const { rows } = await ctx.db.pool.query(`SELECT id FROM ${resource} ORDER BY ${field} ${order} NULLS ${order === 'ASC' ? 'LAST' : 'FIRST'}, id ${order} LIMIT 60`);
        const expected = rows.map((r) => Number(r.id));
        const page1 = await ctx.api('GET', `/${resource}?sort=${q([field, order])}&range=${q([0, 29])}`);
        const page2 = await ctx.api('GET', `/${resource}?sort=${q([field, order])}&range=${q([30, 59])}`);
        expect([...page1.body, ...page2.body].map((r: { id: number }) => r.id)).toEqual(expected);
        expect(page2.headers.get('content-range')).toMatch(new RegExp(`^${resource} 30-59/\\d+$`));
      });
    }
  }

  it('puts NULLs last ascending and first descending (the order one index gives both ways)', async () => {
    const asc = await ctx.api('GET', `/claim?sort=${q(['finalized_date', 'ASC'])}&range=${q([0, 0])}`);
    const desc = await ctx.api('GET', `/claim?sort=${q(['finalized_date', 'DESC'])}&range=${q([0, 0])}`);
    expect(asc.body[0].finalized_date).not.toBeNull();
    expect(desc.body[0].finalized_date).toBeNull();
  });

  it('a page deep in a sorted list (ids found first, then their rows) holds the same rows in the same order', async () => {
    const { rows: [{ n }] } = await ctx.db.pool.query(`SELECT count(*)::int AS n FROM audit_log`);
    expect(n).toBeGreaterThan(1060);
    for (const order of ['ASC', 'DESC']) {
      const { rows } = await ctx.db.pool.query(`SELECT id FROM audit_log ORDER BY occurred_at ${order}, id ${order} LIMIT 60 OFFSET 1000`);
      const res = await ctx.api('GET', `/audit_log?sort=${q(['occurred_at', order])}&range=${q([1000, 1059])}`);
      expect(res.body.map((r: { id: number }) => Number(r.id))).toEqual(rows.map((r) => Number(r.id)));
      expect(res.headers.get('content-range')).toBe(`audit_log 1000-1059/${n}`);
    }
  });

  it('a range past the end is empty and still reports the total', async () => {
    const total = (await ctx.db.pool.query(`SELECT count(*)::int AS n FROM modifier`)).rows[0].n;
    const res = await ctx.api('GET', `/modifier?range=${q([500, 510])}`);
    expect(res.body).toEqual([]);
    expect(res.headers.get('content-range')).toBe(`modifier */${total}`);
  });

  it('accepts a full 1,000-row page', async () => {
    const res = await ctx.api('GET', `/claim?range=${q([0, 999])}`);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(Math.min(1000, Number(res.headers.get('content-range')!.split('/')[1])));
  });
});
