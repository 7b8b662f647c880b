import { describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { q, serverForTests } from '../support/server.js';

const ctx = serverForTests();

const today = () => new Date().toISOString().slice(0, 10);

describe('exports people can read', () => {
  it('head columns by label, write references as what they name, and name the file after the resource and the day', async () => {
    const claim = (await ctx.db.pool.query(`SELECT c.id, c.claim_number, c.created_by, u.first_name || ' ' || u.last_name AS creator, s.last_name || ', ' || s.first_name || ' (' || s.ssid || ')' AS student FROM claim c JOIN app_user u ON u.id = c.created_by JOIN student s ON s.ssid = c.student_ssid ORDER BY c.id LIMIT 1`)).rows[0];
    const res = await ctx.api('GET', `/claim/export?filter=${q({ id: claim.id })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename=claims-${today()}.csv`);
    const [header, row] = String(res.body).trim().split('\n');
    expect(header.split(',').slice(0, 3)).toEqual(['ID', 'Claim number', 'Batch number']);
    expect(header).toContain('Created by');
    expect(header).not.toContain('created_by');
    expect(row).toContain(claim.creator);
    expect(row).toContain(`"${claim.student}"`);
    // Naming the student is a read of the student, recorded as /labels records it.
    const read = (await ctx.db.pool.query(`SELECT action FROM access_log WHERE table_name = 'student' ORDER BY id DESC LIMIT 1`)).rows[0];
    expect(read.action).toBe('list');

    const raw = await ctx.api('GET', `/claim/export?filter=${q({ id: claim.id })}&raw=1`);
    const [cells] = parse(String(raw.body), { columns: true }) as Record<string, string>[];
    expect(Object.keys(cells).slice(0, 3)).toEqual(['id', 'claim_number', 'batch_number']);
    expect(cells.created_by).toBe(String(claim.created_by));
    expect(cells.student_ssid).not.toContain(',');
    expect(raw.headers.get('content-disposition')).toBe(`attachment; filename=claims-${today()}.csv`);
  });

  it('keeps formula escaping on labels and representations', async () => {
    const user = (await ctx.db.pool.query(`SELECT created_by FROM fee_schedule_code WHERE created_by IS NOT NULL ORDER BY id LIMIT 1`)).rows[0];
    const before = (await ctx.db.pool.query(`SELECT first_name FROM app_user WHERE id = $1`, [user.created_by])).rows[0].first_name;
    await ctx.db.pool.query(`UPDATE app_user SET first_name = '=cmd' WHERE id = $1`, [user.created_by]);
    try {
      const res = await ctx.api('GET', `/fee_schedule_code/export?filter=${q({ created_by: user.created_by })}`);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename=fee-schedule-codes-${today()}.csv`);
      expect(String(res.body)).toContain(`'=cmd `);
      expect(String(res.body)).not.toMatch(/(^|,)=cmd/m);
    } finally {
      await ctx.db.pool.query(`UPDATE app_user SET first_name = $2 WHERE id = $1`, [user.created_by, before]);
    }
  });

  it('names references within the reach of the caller, as /labels does', async () => {
    const { signIn, client } = await import('../support/server.js');
    const district = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'districtAdmin'));
    const districts = (await ctx.db.pool.query(`SELECT districts FROM app_user WHERE email = 'district.admin@demo.kcsos.invalid'`)).rows[0].districts;
    const claim = (await ctx.db.pool.query(`SELECT c.id, s.last_name || ', ' || s.first_name || ' (' || s.ssid || ')' AS student FROM claim c JOIN student s ON s.ssid = c.student_ssid WHERE c.district = ANY($1) ORDER BY c.id LIMIT 1`, [districts])).rows[0];
    const res = await district('GET', `/claim/export?filter=${q({ id: claim.id })}`);
    expect(res.status).toBe(200);
    const [row] = parse(String(res.body), { columns: true }) as Record<string, string>[];
    expect(row['Student SSID']).toBe(claim.student);
    // A student of another district (moved there after the claim) is not theirs to name: the stored SSID stays.
    const other = (await ctx.db.pool.query(`SELECT ssid FROM student WHERE NOT district = ANY($1) ORDER BY id LIMIT 1`, [districts])).rows[0];
    const original = (await ctx.db.pool.query(`SELECT student_ssid FROM claim WHERE id = $1`, [claim.id])).rows[0].student_ssid;
    await ctx.db.pool.query(`UPDATE claim SET student_ssid = $2 WHERE id = $1`, [claim.id, other.ssid]);
    try {
      const [moved] = parse(String((await district('GET', `/claim/export?filter=${q({ id: claim.id })}`)).body), { columns: true }) as Record<string, string>[];
      expect(moved['Student SSID']).toBe(other.ssid);
    } finally {
      await ctx.db.pool.query(`UPDATE claim SET student_ssid = $2 WHERE id = $1`, [claim.id, original]);
    }
  });
});
