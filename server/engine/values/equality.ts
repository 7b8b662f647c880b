/** Stable JSON for comparing values (jsonb does not keep key order). */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(canonical).join(',') + ']';
  if (value && typeof value === 'object') {
    return '{' + Object.keys(value).sort().map((k) => JSON.stringify(k) + ':' + canonical((value as Record<string, unknown>)[k])).join(',') + '}';
  }
  return JSON.stringify(value ?? null);
}

/** An ISO timestamp as microseconds since the epoch: PostgreSQL keeps microseconds, Date only ms. */
export function micros(iso: string): number {
  const m = /^(.*?:\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d(?::?\d\d)?)$/.exec(iso.replace(' ', 'T'));
  if (!m) return NaN;
  const zone = m[3] === 'Z' || m[3].length > 3 ? m[3] : `${m[3]}:00`;
  return Date.parse(m[1] + zone) * 1000 + Number((m[2] ?? '').padEnd(6, '0'));
}
