import { describe, expect, it } from '@jest/globals';
import { client, serverForTests, signIn } from '../support/server.js';

const ctx = serverForTests();

const REASON = { 'x-change-reason': '2026 fee schedule update' };
/** The whole table, every column, in id order: what "nothing changed" and "restored" compare. */
const table = async () => (await ctx.db.pool.query(`SELECT * FROM fee_schedule_code ORDER BY id`)).rows;
const auditCount = async () => Number((await ctx.db.pool.query(`SELECT count(*) FROM audit_log`)).rows[0].count);
/** A row without the stamps an undo sets (it is itself an audited write, made now, by someone). */
const content = (rows: Record<string, unknown>[]) => rows.map(({ updated_at: _a, updated_by: _b, ...rest }) => rest);

const HEADER = 'Procedure code,service_description,service_category,Rate,rate_unit,effective_year';
const row = (cells: (string | number)[]) => cells.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replaceAll('"', '""')}"` : c)).join(',');

describe('CSV import of the fee schedule', () => {
  it('dry run reports inserts, updates with diffs and per-field errors, and writes nothing; apply of a file with one bad row writes nothing; apply writes one change set; undo restores the table', async () => {
    const [h2027, h0025] = (await ctx.db.pool.query(`SELECT * FROM fee_schedule_code WHERE procedure_code IN ('H2027', 'H0025') ORDER BY procedure_code DESC`)).rows;
    expect(h2027.procedure_code).toBe('H2027');
    // The rows key on procedure code + year; seeded codes carry a year, imported ones name it too.
    const year = h2027.effective_year;
    expect(h0025.effective_year).toBe(year);
    const good = [
      HEADER,
      row(['H2027', h2027.service_description, h2027.service_category, '33.75', h2027.rate_unit ?? '', year]),
      row(['H0025', h0025.service_description, h0025.service_category, Number(h0025.rate_amount).toFixed(2), h0025.rate_unit ?? '', year]),
      row(['ZZ901', 'Peer support, group, "pilot"', 'Treatment', '12.50', 'per session', year]),
    ];
    const bad = row(['ZZ902', 'Pilot code', 'Therapy', '12,5', 'per session', 'next year']);
    const request = { mode: 'upsert', key: ['procedure_code', 'effective_year'], mapping: { Rate: 'rate_amount' } };
    const before = await table();
    const audits = await auditCount();

    const preview = await ctx.api('POST', '/fee_schedule_code/import/preview', { ...request, csv: [...good, bad].join('\r\n') });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ applied: false, txid: null, counts: { rows: 4, insert: 1, update: 1, unchanged: 1, errors: 1 } });
    expect(preview.body.columns).toEqual([
      { header: 'Procedure code', field: 'procedure_code' },
      { header: 'service_description', field: 'service_description' },
      { header: 'service_category', field: 'service_category' },
      { header: 'Rate', field: 'rate_amount' },
      { header: 'rate_unit', field: 'rate_unit' },
      { header: 'effective_year', field: 'effective_year' },
    ]);
    const [update, unchanged, insert, error] = preview.body.rows;
    expect(update).toMatchObject({ line: 2, action: 'update', id: h2027.id, changes: [{ field: 'rate_amount', before: Number(h2027.rate_amount), after: 33.75 }] });
    expect(unchanged).toMatchObject({ line: 3, action: 'unchanged', id: h0025.id, changes: [] });
    expect(insert).toMatchObject({ line: 4, action: 'insert', record: { procedure_code: 'ZZ901', service_description: 'Peer support, group, "pilot"', rate_amount: 12.5 } });
    expect(error.line).toBe(5);
    expect(error.action).toBe('error');
    expect(error.errors).toEqual({
      service_category: expect.stringMatching(/must be one of/),
      rate_amount: 'must be a number',
      effective_year: 'must be a whole number',
    });
    expect(await table()).toEqual(before);
    expect(await auditCount()).toBe(audits);

    const refused = await ctx.api('POST', '/fee_schedule_code/import', { ...request, csv: [...good, bad].join('\n') }, REASON);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'VALIDATION', message: '1 row has errors: nothing was written', applied: false, counts: { errors: 1 } });
    expect(await table()).toEqual(before);
    expect(await auditCount()).toBe(audits);

    const noReason = await ctx.api('POST', '/fee_schedule_code/import', { ...request, csv: good.join('\n') });
    expect(noReason.status).toBe(400);
    expect(await auditCount()).toBe(audits);

    const applied = await ctx.api('POST', '/fee_schedule_code/import', { ...request, csv: good.join('\n') }, REASON);
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ applied: true, counts: { insert: 1, update: 1, unchanged: 1, errors: 0 } });
    const txid = applied.body.txid;
    expect(Number.isInteger(txid)).toBe(true);
    const ofImport = (await ctx.db.pool.query(`SELECT action, reason FROM audit_log WHERE txid = $1 ORDER BY id`, [txid])).rows;
    expect(ofImport).toEqual([
      { action: 'UPDATE', reason: '2026 fee schedule update' },
      { action: 'INSERT', reason: '2026 fee schedule update' },
    ]);
    expect(await auditCount()).toBe(audits + 2);
    const after = await table();
    expect(after).toHaveLength(before.length + 1);
    expect(after.find((r) => r.id === h2027.id)!.rate_amount).toBe('33.75');

    const undo = await ctx.api('POST', `/audit_log/revert-change-set/${txid}`, undefined, { 'x-change-reason': 'wrong file' });
    expect(undo.status).toBe(200);
    expect(undo.body.reverted).toHaveLength(2);
    const restored = await table();
    expect(content(restored)).toEqual(content(before));
    // Only the updated row carries the undo's own stamps; every other row is byte for byte the same.
    expect(restored.filter((r, i) => JSON.stringify(r) !== JSON.stringify(before[i])).map((r) => r.id)).toEqual([h2027.id]);
  });

  it('inserts only in insert mode, maps columns by label, and refuses bad requests with a clear 400', async () => {
    const csv = ['Procedure code;Service description'.replace(';', ','), 'ZZ950,Insert only', ''].join('\n');
    const missing = await ctx.api('POST', '/fee_schedule_code/import/preview', { mode: 'insert', csv });
    expect(missing.status).toBe(200);
    expect(missing.body.rows[0]).toMatchObject({ action: 'error', errors: { service_category: 'is required' } });

    const csv2 = ['procedure_code,service_description,service_category,dyadic_allowed,notes', `ZZ951,Insert only,Treatment,TRUE,"'=1+2"`].join('\n');
    const ok = await ctx.api('POST', '/fee_schedule_code/import', { mode: 'insert', csv: csv2 }, REASON);
    expect(ok.status).toBe(200);
    // The export's formula escape is read back as the text it protected.
    expect(ok.body.rows[0].record).toMatchObject({ procedure_code: 'ZZ951', dyadic_allowed: true, notes: '=1+2' });

    // Lines are the file's own: a quoted line break and a blank line count.
    const lines = await ctx.api('POST', '/fee_schedule_code/import/preview', { mode: 'insert', csv: 'procedure_code,service_description,service_category\nZZ952,"two\nlines",Treatment\n\nZZ953,x,Bogus\n' });
    expect(lines.body.rows.map((r: { line: number; action: string }) => [r.line, r.action])).toEqual([[3, 'insert'], [5, 'error']]);

    const cases: [unknown, RegExp][] = [
      [{ mode: 'insert', csv: '' }, /csv/],
      [{ mode: 'merge', csv: 'a\n1' }, /mode/],
      [{ mode: 'upsert', csv: 'procedure_code\nX' }, /key/],
      [{ mode: 'insert', csv: 'procedure_code\nX', mapping: { procedure_code: 'password' } }, /mapping/],
      [{ mode: 'upsert', key: ['procedure_code'], csv: 'code\nX' }, /key field procedure_code/],
      [{ mode: 'insert', csv: '"unterminated\n1' }, /not valid CSV/],
      [{ mode: 'insert', csv: 'procedure_code' }, /no records/],
    ];
    for (const [body, message] of cases) {
      const res = await ctx.api('POST', '/fee_schedule_code/import/preview', body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.message).toMatch(message);
    }
    const text = await ctx.api('POST', '/fee_schedule_code/import/preview', 'procedure_code\nX', { 'content-type': 'text/csv' });
    expect(text.status).toBe(415);
  });

  it('reports a key matched by two rows of the file, and needs create (and edit for upsert)', async () => {
    const csv = ['procedure_code,service_description,service_category,effective_year', 'ZZ960,A,Treatment,2031', 'ZZ960,B,Treatment,2031'].join('\n');
    const res = await ctx.api('POST', '/fee_schedule_code/import/preview', { mode: 'upsert', key: ['procedure_code', 'effective_year'], csv });
    expect(res.body.rows.map((r: { action: string }) => r.action)).toEqual(['insert', 'error']);
    expect(res.body.rows[1].errors).toEqual({ procedure_code: 'repeats the key of line 2' });

    // A key the table does not hold unique is refused where it is ambiguous, not guessed at.
    await ctx.db.pool.query(`INSERT INTO fee_schedule_code (procedure_code, service_description, service_category, effective_year) VALUES ('ZZ970', 'one', 'Treatment', 2031), ('ZZ970', 'two', 'Treatment', 2031)`);
    const twice = await ctx.api('POST', '/fee_schedule_code/import/preview', { mode: 'upsert', key: ['procedure_code', 'effective_year'], csv: csv.replaceAll('ZZ960', 'ZZ970').split('\n').slice(0, 2).join('\n') });
    expect(twice.body.rows).toEqual([{ line: 2, action: 'error', errors: { procedure_code: 'matches several records: the key procedure_code + effective_year is not unique' } }]);

    const support = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'support'));
    const denied = await support('POST', '/fee_schedule_code/import/preview', { mode: 'insert', csv });
    expect(denied.status).toBe(403);
    const readOnly = await ctx.api('POST', '/audit_log/import/preview', { mode: 'insert', csv });
    expect(readOnly.status).toBe(405);
    const doc = (await ctx.api('GET', '/docs-json')).body;
    for (const path of ['import', 'import/preview', 'bulk-update', 'bulk-update/preview']) expect(doc.paths[`/api/fee_schedule_code/${path}`].post).toBeDefined();
    expect(doc.paths['/api/audit_log/import']).toBeUndefined();
  });
});
