import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { q, signIn } from '../support/server.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

/**
 * The export as `npm start` serves it: the compiled server in its own process, with npm start's
 * heap limits, so its memory can be watched from outside while 50,000 claims stream through.
 */
const ROWS = 50_000;
let db: TestDatabase;
let server: ServerProcess;
let base: string;

/** Resident memory of a process, in MB (Linux). */
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

beforeAll(async () => {
  db = await testDatabase();
  // Copies of a seeded claim, each cell a spreadsheet would run as a formula (and one harmless negative).
  await db.pool.query(
    `INSERT INTO claim (claim_number, batch_number, status, service_date, billed_amount, service_code, service_description, location, student_name, rendering_provider, district)
     SELECT 'EXP-' || g, 'EXPORT-50K', 'Submitted', DATE '2025-01-01' + (g % 300), -5.25, c.service_code,
            '=HYPERLINK("http://attacker.invalid/' || repeat('x', 300) || '","click")', '@SUM(A1:A9)', '+' || g, E'\\tcmd', c.district
     FROM generate_series(1, $1) g, (SELECT service_code, district FROM claim ORDER BY id LIMIT 1) c`,
    [ROWS],
  );
  server = await startServerProcess(db.url, {}, { nodeArgs: ['--max-old-space-size=96', '--max-semi-space-size=4'] });
  base = server.url;
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

describe('streaming CSV export', () => {
  it('exports 50,000 filtered claims with bounded server memory and every formula cell escaped', async () => {
    const headers = await signIn(base, 'admin');
    // Warm up (first requests compile code and fill pools), then measure from there.
    expect((await fetch(`${base}/api/claim/export?filter=${q({ batch_number: 'EXPORT-50K', id: 0 })}`, { headers })).status).toBe(200);
    const baseline = rssOf(server.child.pid!);
    let peak = baseline;
    const watch = setInterval(() => (peak = Math.max(peak, rssOf(server.child.pid!))), 10);
    const res = await fetch(`${base}/api/claim/export?filter=${q({ batch_number: 'EXPORT-50K' })}&sort=${q(['id', 'ASC'])}`, { headers });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    // Read at a reader's pace: a server that ignored back-pressure would pile the rows up in memory.
    const chunks: Buffer[] = [];
    let bytes = 0;
    let paused = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      chunks.push(Buffer.from(chunk));
      bytes += chunk.length;
      if (bytes - paused > 2_000_000) {
        paused = bytes;
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    clearInterval(watch);
    const grew = peak - baseline;
    const megabytes = bytes / 1024 / 1024;
    console.log(`export: ${ROWS} rows, ${megabytes.toFixed(1)} MB of CSV; server RSS ${baseline.toFixed(0)} MB -> peak ${peak.toFixed(0)} MB (+${grew.toFixed(1)} MB)`);
    // Reading these rows in one query raised a Node process's RSS by about 106 MB (47 MB of them
    // live heap) on this machine, before any CSV is written: streaming stays well below that.
    expect(megabytes).toBeGreaterThan(20);
    expect(grew).toBeLessThan(60);

    // Headed by the fields' labels (a person's export; `raw=1` heads them by name).
    const records = parse(Buffer.concat(chunks).toString('utf8'), { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(ROWS);
    expect(records[0]['Claim number']).toBe('EXP-1');
    expect(records[ROWS - 1]['Claim number']).toBe(`EXP-${ROWS}`);
    for (const r of [records[0], records[12_345], records[ROWS - 1]]) {
      expect(r['Service description']).toBe(`'=HYPERLINK("http://attacker.invalid/${'x'.repeat(300)}","click")`);
      expect(r['Location']).toBe(`'@SUM(A1:A9)`);
      expect(r['Student name']).toMatch(/^'\+\d+$/);
      expect(r['Rendering provider']).toBe(`'\tcmd`);
      expect(r['Billed amount']).toBe('-5.25'); // a number is data, not a formula
    }
    expect(records.every((r) => r['Service description'].startsWith(`'=`) && r['Location'].startsWith(`'@`) && r['Student name'].startsWith(`'+`))).toBe(true);
  }, 180_000);
});
