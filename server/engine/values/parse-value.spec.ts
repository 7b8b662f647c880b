import { describe, expect, it } from '@jest/globals';
import { field } from '../../../test/support/field-meta.js';
import { boolean, date, decimal, integer, integerArray, json, text, time, timestamp } from './parse-value.js';

const refused = { ok: false };

describe('strict value parsing', () => {
  it('takes JSON types alone for writes, and the canonical spelling of numbers and booleans in filters', () => {
    const n = field('n', 'integer');
    expect(integer(n, 7, 'write')).toEqual({ ok: true, value: 7 });
    expect(integer(n, '7', 'write')).toMatchObject(refused);
    expect(integer(n, '7', 'filter')).toEqual({ ok: true, value: 7 });
    expect(integer(n, '7.0', 'filter')).toMatchObject(refused);
    expect(boolean('false', 'write')).toMatchObject(refused);
    expect(boolean('false', 'filter')).toEqual({ ok: true, value: false });
    expect(boolean('no', 'filter')).toMatchObject(refused);
  });

  it('keeps integers within their column and decimals within precision and scale', () => {
    expect(integer(field('s', 'smallint'), 32768, 'write')).toEqual({ ok: false, why: 'must be between -32768 and 32767' });
    expect(integer(field('i', 'integer'), 2 ** 31, 'write')).toMatchObject(refused);
    expect(integer(field('b', 'bigint'), Number.MAX_SAFE_INTEGER, 'write')).toEqual({ ok: true, value: Number.MAX_SAFE_INTEGER });
    const money = field('m', 'decimal', { precision: 12, scale: 2 });
    expect(decimal(money, 80.5, 'write')).toEqual({ ok: true, value: 80.5 });
    expect(decimal(money, 80.555, 'write')).toEqual({ ok: false, why: 'must have at most 2 decimal places' });
    expect(decimal(money, 1e10, 'write')).toMatchObject(refused);
    expect(decimal(money, Number.NaN, 'write')).toMatchObject(refused);
  });

  it('refuses dates that do not exist rather than rolling them over', () => {
    expect(date('2024-02-29')).toEqual({ ok: true, value: '2024-02-29' });
    expect(date('2025-02-29')).toMatchObject(refused);
    expect(date('2025-13-01')).toMatchObject(refused);
    expect(date('2025-1-01')).toMatchObject(refused);
    expect(timestamp('2025-02-30T10:00:00Z', 'write')).toMatchObject(refused);
    expect(timestamp('2026-12-01T18:37:03.892988Z', 'write')).toEqual({ ok: true, value: '2026-12-01T18:37:03.892988Z' });
    // A timestamp without a zone is ambiguous: refused. A filter may name a whole day.
    expect(timestamp('2026-12-01T18:37:03', 'write')).toMatchObject(refused);
    expect(timestamp('2026-12-01', 'write')).toMatchObject(refused);
    expect(timestamp('2026-12-01', 'filter')).toEqual({ ok: true, value: '2026-12-01' });
  });

  it('spells a time as PostgreSQL answers it, so an unchanged time is no change', () => {
    expect(time('10:00')).toEqual({ ok: true, value: '10:00:00' });
    expect(time('24:00')).toMatchObject(refused);
  });

  it('refuses text PostgreSQL could not store, and bounds lists and JSON depth', () => {
    expect(text('a\u0000b')).toMatchObject(refused);
    expect(text('\ud800')).toMatchObject(refused);
    expect(text('x'.repeat(100_001))).toMatchObject(refused);
    expect(integerArray(field('ids', 'bigint[]'), ['1', '2'], 'filter')).toEqual({ ok: true, value: [1, 2] });
    expect(integerArray(field('ids', 'bigint[]'), Array(1001).fill(1), 'write')).toMatchObject(refused);
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(json(deep)).toEqual({ ok: false, why: 'must nest at most 32 levels' });
    expect(json({ 'a\u0000': 1 })).toMatchObject(refused);
    expect(json({ a: [1, 'b', null] })).toEqual({ ok: true, value: { a: [1, 'b', null] } });
  });
});
