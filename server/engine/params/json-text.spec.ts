import { describe, expect, it } from '@jest/globals';
import { MAX_JSON_DEPTH, parseJsonText } from './json-text.js';

const nested = (depth: number) => '['.repeat(depth) + '1' + ']'.repeat(depth);

describe('JSON text', () => {
  it('parses what JSON.parse parses, up to MAX_JSON_DEPTH levels of arrays and objects', () => {
    expect(parseJsonText('{"a":[1,{"b":null}],"c":"x"}')).toEqual({ value: { a: [1, { b: null }], c: 'x' } });
    expect(parseJsonText(nested(MAX_JSON_DEPTH))?.value).toEqual(JSON.parse(nested(MAX_JSON_DEPTH)));
    expect(parseJsonText(`{"a":${nested(MAX_JSON_DEPTH - 1)}}`)).toBeDefined();
  });

  it('refuses one level more, however it nests, and text that is not JSON', () => {
    expect(parseJsonText(nested(MAX_JSON_DEPTH + 1))).toBeUndefined();
    expect(parseJsonText(`{"a":${nested(MAX_JSON_DEPTH)}}`)).toBeUndefined();
    expect(parseJsonText(nested(20_000))).toBeUndefined();
    expect(parseJsonText('{"a":')).toBeUndefined();
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ s: '['.repeat(200) + '"\\' + '{'.repeat(200) });
    expect(parseJsonText(text)?.value).toEqual(JSON.parse(text));
  });
});
