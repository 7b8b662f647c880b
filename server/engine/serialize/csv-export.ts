import { stringify } from 'csv-stringify';
import { Readable, pipeline } from 'node:stream';

/**
 * A cell a spreadsheet would run as a formula (`= + - @`, tab, carriage return) gets a leading
 * apostrophe: an exported claim must never execute in the reader's Excel.
 */
function safeCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  // A number (-5) is data, not a formula: only text is escaped.
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * Streams rows as CSV with a header per column (its label, or its name for a raw export), in the resource's field order. A
 * reader that takes nothing for `stallMs` (its buffers full) is cut off: the stream ends, and with
 * it the cursor and its connection.
 */
export function csvStream(columns: { name: string; header: string }[], rows: AsyncIterable<Record<string, unknown>>, stallMs = 30_000): Readable {
  const fields = columns.map((c) => c.name);
  const csv = stringify({ header: true, columns: columns.map((c) => ({ key: c.name, header: c.header })), cast: { boolean: (b) => (b ? 'true' : 'false') } });
  let pulled = Date.now();
  const watch = setInterval(() => {
    if (Date.now() - pulled > stallMs) csv.destroy(new Error('the reader stalled'));
  }, Math.min(stallMs, 1_000));
  watch.unref();
  const source = Readable.from(
    (async function* () {
      for await (const row of rows) {
        pulled = Date.now();
        const out: Record<string, string> = {};
        for (const f of fields) out[f] = safeCell(row[f]);
        yield out;
      }
    })(),
  );
  // pipeline, not pipe: destroying the CSV stream (the client left) also ends the row generator,
  // whose `finally` closes the cursor and releases its connection.
  pipeline(source, csv, () => clearInterval(watch));
  return csv;
}
