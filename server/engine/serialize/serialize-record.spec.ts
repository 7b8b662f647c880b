import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { field } from '../../../test/support/field-meta.js';
import { serializeValue } from '../types/column-types.js';
import type { FieldMeta } from '../metadata/resource-meta.js';
import { recordSerializer } from './serialize-record.js';

const fields: FieldMeta[] = [
  field('id', 'bigint', { primaryKey: true, unique: true, nullable: false }),
  field('name', 'text'),
  field('amount', 'decimal'),
  field('at', 'timestamp'),
  field('ids', 'bigint[]'),
  field('data', 'json'),
  field('on', 'boolean'),
];

/** The oracle: each field the row holds, null kept null, else converted as its type says. */
function expected(shown: FieldMeta[], row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of shown) if (Object.hasOwn(row, f.name)) out[f.name] = row[f.name] === null || row[f.name] === undefined ? null : serializeValue(f, row[f.name]);
  return out;
}

const values: Record<string, fc.Arbitrary<unknown>> = {
  id: fc.integer({ min: 1 }).map(String),
  name: fc.string(),
  amount: fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  at: fc.constantFrom('2026-11-25 06:18:53.123456+00', '2026-11-25 06:18:53+02'),
  ids: fc.array(fc.integer({ min: 1 }).map(String)),
  data: fc.jsonValue(),
  on: fc.boolean(),
};

describe('presenting rows', () => {
  it('answers what presenting field by field answers: nulls, rows lacking fields, extra columns (property test)', () => {
    const row = fc.record(Object.fromEntries(fields.map((f) => [f.name, fc.oneof(values[f.name], fc.constant(null), fc.constant(undefined))])), { requiredKeys: [] });
    fc.assert(
      fc.property(fc.subarray(fields, { minLength: 1 }), row, fc.boolean(), (shown, r, extra) => {
        const input: Record<string, unknown> = extra ? { ...r, __answered: true } : r;
        const out = recordSerializer(shown)(input);
        expect(out).toEqual(expected(shown, input));
        // Keys in the fields' order, a missing one left out (not answered as null).
        expect(Object.keys(out)).toEqual(shown.filter((f) => Object.hasOwn(input, f.name)).map((f) => f.name));
      }),
      { numRuns: 500 },
    );
  });

  it('never generates code from a field name that is not a plain identifier', () => {
    const odd = [field('id', 'integer'), field('constructor', 'text'), field('a-b', 'text'), field('__proto__', 'text')];
    const present = recordSerializer(odd);
    expect(present({ id: 1, 'a-b': 'x' })).toEqual({ id: 1, 'a-b': 'x' });
    const polluted = present(JSON.parse('{"id": 2, "__proto__": {"x": 1}, "constructor": "c"}'));
    expect(Object.getPrototypeOf(polluted)).toBe(Object.prototype);
    expect(Object.keys(polluted)).toEqual(['id', 'constructor', '__proto__']);
    expect(polluted.constructor).toBe('c');
  });
});
