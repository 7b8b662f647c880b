import { describe, expect, it } from '@jest/globals';
import { field, resourceOf } from '../../../test/support/field-meta.js';
import { Params } from '../plan/sql.js';
import { filterToWhere } from './filter-to-where.js';
import { filterKey, operatorKey } from '../../../contract/filters.js';

const fields = [
  field('id', 'integer', { primaryKey: true, nullable: false }),
  field('status', 'text', { choices: ['Paid', 'Denied'] }),
  field('name', 'text', { searchable: true }),
  field('amount', 'decimal', { precision: 12, scale: 2 }),
  field('service_date', 'date'),
  field('at', 'timestamp'),
  field('modifiers', 'text[]'),
  field('secret_note', 'text', { secret: true, searchable: true }),
];
const resource = resourceOf('thing', fields, { options: { namedFilters: { overdue: { label: 'Overdue', where: '"service_date" < now()' } } } as never });
const visible = (f: { secret: boolean }) => !f.secret;

function where(filter: Record<string, unknown>) {
  const params = new Params();
  return { sql: filterToWhere(resource, filter, visible, params), values: params.values };
}

describe('filters to WHERE', () => {
  it('spells operators as the contract does, both ways', () => {
    expect(filterKey('service_date', 'gte')).toBe('service_date_gte');
    expect(filterKey('status', 'eq')).toBe('status');
    expect(operatorKey('service_date_gte')).toEqual({ field: 'service_date', op: 'gte' });
    expect(operatorKey('is_null')).toEqual({ field: 'is', op: 'null' });
    expect(operatorKey('status')).toBeNull();
    expect(operatorKey('status_eq')).toBeNull();
  });

  it('puts every value in a parameter, cast, never in the text', () => {
    const r = where({ status: 'Paid', amount_gte: 10, name_like: "O'Brien%" });
    expect(r.sql).toEqual(['"status" = $1::text', '"amount" >= $2::numeric', '"name" ILIKE $3::text']);
    expect(r.values).toEqual(['Paid', 10, "%O'Brien\\%%"]);
  });

  it('reads a list as any of its values, null as empty, and a value on a list column as contains', () => {
    expect(where({ status: ['Paid', 'Denied'] }).sql).toEqual(['"status" = ANY($1::text[])']);
    expect(where({ status: null }).sql).toEqual(['"status" IS NULL']);
    expect(where({ status_neq: 'Paid' }).sql).toEqual(['"status" IS DISTINCT FROM $1::text']);
    expect(where({ modifiers: 'HA' }).sql).toEqual(['("modifiers" @> ARRAY[$1::text])']);
    expect(where({ service_date_null: 'true' }).sql).toEqual(['"service_date" IS NULL']);
  });

  it('reads a date on a timestamp field as the whole day', () => {
    // The bounds are parameters (midnight in the session's zone), so a partitioned log prunes while planning.
    expect(where({ at: '2026-11-25' })).toEqual({ sql: ['("at" >= $1::timestamptz AND "at" < $2::timestamptz)'], values: ['2026-11-25', '2026-11-26'] });
    expect(where({ at_lte: '2026-12-31' })).toEqual({ sql: ['"at" < $1::timestamptz'], values: ['2027-01-01'] });
  });

  it('searches q over the visible searchable fields only (anywhere from three characters, else by their start), and the id for a number', () => {
    const r = where({ q: '42' });
    expect(r.sql).toEqual(['("name" ILIKE $1::text OR "id" = $2::integer)']);
    expect(r.values).toEqual(['42%', 42]);
    expect(where({ q: 'Ortiz' }).values).toEqual(['%Ortiz%']);
    expect(where({ q: '  ' }).sql).toEqual(['TRUE']);
  });

  it('applies a declared named filter, or the rows outside it', () => {
    expect(where({ overdue: true }).sql).toEqual(['("service_date" < now())']);
    expect(where({ overdue: 'false' }).sql).toEqual(['NOT ("service_date" < now())']);
  });

  it('refuses unknown and invisible fields, uncomparable operators and bad values with a 400', () => {
    for (const filter of [{ nope: 1 }, { secret_note: 'x' }, { secret_note_like: 'x' }, { modifiers_gte: 'a' }, { amount_like: '1' }, { amount: 'ten' }, { service_date: '2025-02-30' }, { status_null: 'maybe' }, { overdue: 'yes' }, { q: 7 }]) {
      expect(() => where(filter)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    }
  });
});
