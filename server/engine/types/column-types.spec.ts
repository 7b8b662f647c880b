import { describe, expect, it } from '@jest/globals';
import type { FieldMeta } from '../metadata/resource-meta.js';
import { field as fieldOf } from '../../../test/support/field-meta.js';
import { cellToValue, COLUMN_TYPES, fieldTypeOf, groupsBy, isSummed, operatorsOf, parseValue, sameValue, serializeValue, sqlCast } from './column-types.js';
import type { FieldType } from '../../../contract/meta.js';

const field = (type: FieldType, extra: Partial<FieldMeta> = {}) => fieldOf('f', type, { sortable: true, ...extra });

/** For every type: a value as written, as a CSV cell, and as node-postgres reads it back. */
const SAMPLES: Record<FieldType, { write: unknown; cell: string; read: unknown; answer: unknown }> = {
  text: { write: 'Kern', cell: 'Kern', read: 'Kern', answer: 'Kern' },
  'text[]': { write: ['95', 'HA'], cell: '["95","HA"]', read: ['95', 'HA'], answer: ['95', 'HA'] },
  'bigint[]': { write: [1, 2], cell: '[1,2]', read: ['1', '2'], answer: [1, 2] },
  json: { write: { a: [1] }, cell: '{"a":[1]}', read: { a: [1] }, answer: { a: [1] } },
  integer: { write: 7, cell: '7', read: 7, answer: 7 },
  smallint: { write: -1, cell: '-1', read: -1, answer: -1 },
  bigint: { write: 9007199254740991, cell: '9007199254740991', read: '9007199254740991', answer: 9007199254740991 },
  decimal: { write: 80.5, cell: '80.5', read: '80.50', answer: 80.5 },
  boolean: { write: false, cell: 'FALSE', read: false, answer: false },
  date: { write: '2026-02-28', cell: '2026-02-28', read: '2026-02-28', answer: '2026-02-28' },
  time: { write: '10:00:00', cell: '10:00:00', read: '10:00:00', answer: '10:00:00' },
  timestamp: { write: '2026-12-01T18:37:03.892988Z', cell: '2026-12-01T18:37:03.892988Z', read: '2026-12-01 18:37:03.892988+00', answer: '2026-12-01T18:37:03.892988Z' },
};

describe('one descriptor per column type', () => {
  it('covers every type with a sample, and each reads, parses and answers it', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(COLUMN_TYPES).sort());
    for (const [type, sample] of Object.entries(SAMPLES) as [FieldType, (typeof SAMPLES)[FieldType]][]) {
      const f = field(type, type === 'decimal' ? { precision: 12, scale: 2 } : {});
      expect([type, parseValue(f, sample.write, 'write')]).toEqual([type, { ok: true, value: sample.write }]);
      expect([type, cellToValue(f, sample.cell)]).toEqual([type, { ok: true, value: sample.write }]);
      expect([type, serializeValue(f, sample.read)]).toEqual([type, sample.answer]);
      expect(typeof sqlCast(f)).toBe('string');
    }
  });

  it('maps declared PostgreSQL column types to their kind, and refuses an unknown one', () => {
    expect(['text', 'varchar(20)', 'character varying', 'text[]', 'int8[]', 'jsonb', 'serial', 'int2', 'bigserial', 'numeric(12,2)', 'bool', 'date', 'time', 'timestamptz'].map(fieldTypeOf)).toEqual([
      'text', 'text', 'text', 'text[]', 'bigint[]', 'json', 'integer', 'smallint', 'bigint', 'decimal', 'boolean', 'date', 'time', 'timestamp',
    ]);
    expect(() => fieldTypeOf('point')).toThrow('unsupported column type "point"');
  });

  it('says which filter operators a field takes', () => {
    expect(operatorsOf(field('text'))).toEqual(['eq', 'neq', 'null', 'gte', 'lte', 'gt', 'lt', 'like']);
    expect(operatorsOf(field('boolean'))).toEqual(['eq', 'neq', 'null']);
    expect(operatorsOf(field('text[]'))).toEqual(['eq', 'neq', 'null', 'like']);
    expect(operatorsOf(field('date'))).toEqual(['eq', 'neq', 'null', 'gte', 'lte', 'gt', 'lt']);
  });

  it('says how figures group and sum it, and when two spellings are one value', () => {
    expect(groupsBy(field('timestamp'))).toBe('calendar');
    expect(groupsBy(field('date'))).toBe('calendar');
    expect(groupsBy(field('boolean'))).toBe('values');
    expect(groupsBy(field('text'))).toBeNull();
    expect(isSummed(field('decimal'))).toBe(true);
    expect(isSummed(field('integer'))).toBe(false);
    expect(sameValue(field('timestamp'), '2026-12-01T18:37:03.892988Z', '2026-12-01 18:37:03.892988+00')).toBe(true);
    expect(sameValue(field('timestamp'), '2026-12-01T18:37:03.892988Z', '2026-12-01T18:37:03.892989Z')).toBe(false);
    expect(sameValue(field('text'), '2026-12-01T18:37:03Z', '2026-12-01 18:37:03+00')).toBe(false);
    expect(sameValue(field('json'), { a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
  });

  it('refuses what a type does not take, with a reason', () => {
    expect(parseValue(field('integer'), '7', 'write')).toEqual({ ok: false, why: 'must be a whole number' });
    expect(parseValue(field('integer'), '7', 'filter')).toEqual({ ok: true, value: 7 });
    expect(cellToValue(field('decimal'), '1,5')).toEqual({ ok: false, why: 'must be a number' });
    expect(parseValue(field('text', { choices: ['A'] }), 'B', 'write')).toEqual({ ok: false, why: 'must be one of: A' });
  });
});
