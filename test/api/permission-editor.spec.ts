import { describe, expect, it } from '@jest/globals';
import { client, signIn } from '../support/server.js';
import { serverForTests } from '../support/server.js';

const ctx = serverForTests();

const REASON = { 'x-change-reason': 'supervisors manage the fee schedule' };
const ROLES = ['practitioner', 'supervisor', 'district_admin', 'system_admin', 'support'];
/** The matrix as stored, cell by cell. */
const stored = async () => (await ctx.db.pool.query(`SELECT name, ${ROLES.join(', ')} FROM permission_item ORDER BY name`)).rows;
/** Audit rows of the matrix (sign-ins add rows of their own, about users). */
const auditCount = async () => Number((await ctx.db.pool.query(`SELECT count(*) FROM audit_log WHERE table_name IN ('permission_item', 'permission_category')`)).rows[0].count);
const version = async () => String((await ctx.db.pool.query(`SELECT version FROM permission_matrix_version`)).rows[0].version);

describe('the permission editor (GET/POST /api/permission-matrix)', () => {
  it('reads the matrix in words: areas, tables by label, actions, roles with their active users', async () => {
    const res = await ctx.api('GET', '/permission-matrix');
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(await version());
    const active = (await ctx.db.pool.query(`SELECT count(*)::int AS n FROM app_user WHERE status = 'Active' AND role = 'Supervisor'`)).rows[0].n;
    expect(res.body.roles).toContainEqual({ role: 'supervisor', label: 'Supervisor', activeUsers: active });
    const items = res.body.areas.flatMap((a: { items: unknown[] }) => a.items);
    expect(items).toHaveLength((await stored()).length);
    expect(items).toContainEqual(expect.objectContaining({ name: 'fee_schedule_code.create', resource: 'fee_schedule_code', table: 'Fee schedule codes', action: 'create', words: 'Create', area: 'Reference data' }));
    expect(items).toContainEqual(expect.objectContaining({ name: 'claim.list', table: 'Claims', words: 'See the list' }));
    expect(items.find((i: { name: string }) => i.name === 'student.sensitive').words).toMatch(/^See fields? .+/);
    expect(items.find((i: { name: string }) => i.name === 'audit.revert').words).toBe('Undo changes');
  });

  it('previews without writing, saves one change set with its reason, and one undo restores the exact matrix', async () => {
    const before = await stored();
    const audits = await auditCount();
    const v = await version();
    const changes = [
      { permission: 'fee_schedule_code.create', role: 'supervisor', granted: true },
      { permission: 'fee_schedule_code.edit', role: 'supervisor', granted: true },
      { permission: 'claim.export', role: 'supervisor', granted: false },
      // Already as stored: not a change.
      { permission: 'claim.list', role: 'supervisor', granted: true },
    ];
    const preview = await ctx.api('POST', '/permission-matrix/preview', { version: v, changes });
    expect(preview.status).toBe(200);
    const supervisors = (await ctx.db.pool.query(`SELECT count(*)::int AS n FROM app_user WHERE status = 'Active' AND role = 'Supervisor'`)).rows[0].n;
    expect(preview.body).toMatchObject({ applied: false, txid: null, cells: 3, activeUsers: supervisors });
    expect(preview.body.roles).toEqual([
      {
        role: 'supervisor',
        label: 'Supervisor',
        activeUsers: supervisors,
        gains: [
          { name: 'fee_schedule_code.create', table: 'Fee schedule codes', words: 'Create' },
          { name: 'fee_schedule_code.edit', table: 'Fee schedule codes', words: 'Edit' },
        ],
        losses: [{ name: 'claim.export', table: 'Claims', words: 'Export to CSV' }],
      },
    ]);
    expect(await stored()).toEqual(before);
    expect(await auditCount()).toBe(audits);
    expect(await version()).toBe(v);

    const noReason = await ctx.api('POST', '/permission-matrix', { version: v, changes });
    expect(noReason.status).toBe(400);
    expect(noReason.body.message).toMatch(/reason/);
    expect(await auditCount()).toBe(audits);

    const saved = await ctx.api('POST', '/permission-matrix', { version: v, changes }, REASON);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ applied: true, cells: 3, txid: expect.any(Number) });
    const events = (await ctx.db.pool.query(`SELECT DISTINCT txid, table_name, action, reason FROM audit_log WHERE id > (SELECT max(id) FROM audit_log) - 10 AND occurred_at > now() - interval '1 minute' AND table_name = 'permission_item'`)).rows;
    expect(events).toEqual([{ txid: String(saved.body.txid), table_name: 'permission_item', action: 'UPDATE', reason: REASON['x-change-reason'] }]);
    expect(Number((await ctx.db.pool.query(`SELECT count(*) FROM audit_log WHERE txid = $1`, [saved.body.txid])).rows[0].count)).toBe(3);
    const after = await stored();
    const cell = (rows: typeof before, name: string) => rows.find((r) => r.name === name);
    expect(cell(after, 'fee_schedule_code.create')!.supervisor).toBe(true);
    expect(cell(after, 'claim.export')!.supervisor).toBe(false);
    // Nothing but the three cells moved.
    expect(after.filter((r, i) => JSON.stringify(r) !== JSON.stringify(before[i])).map((r) => r.name).sort()).toEqual(['claim.export', 'fee_schedule_code.create', 'fee_schedule_code.edit']);
    // The supervisor's next request holds the new permissions.
    const supervisor = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'supervisor'));
    expect((await supervisor('GET', '/auth/me')).body.permissions).toContain('fee_schedule_code.create');

    // A save against the matrix as it was is refused: someone (this save) changed it since.
    const stale = await ctx.api('POST', '/permission-matrix', { version: v, changes: [{ permission: 'claim.delete', role: 'support', granted: true }] }, REASON);
    expect(stale.status).toBe(409);

    const undo = await ctx.api('POST', `/audit_log/revert-change-set/${saved.body.txid}`);
    expect(undo.status).toBe(200);
    expect(undo.body.reverted).toHaveLength(3);
    expect(await stored()).toEqual(before);
  }, 60_000);

  it('refuses bad input with a 400 and callers without the matrix edit permission with a 403, changing nothing', async () => {
    const before = await stored();
    const audits = await auditCount();
    const bad = [
      null,
      { changes: [] },
      { changes: 'all' },
      { changes: [{ permission: 'claim.list', role: 'nobody', granted: true }] },
      { changes: [{ permission: 'claim.list', role: 'support', granted: 'yes' }] },
      { changes: [{ permission: 'no_such.thing', role: 'support', granted: true }] },
      { version: 'x', changes: [{ permission: 'claim.list', role: 'support', granted: true }] },
    ];
    for (const body of bad) {
      const res = await ctx.api('POST', '/permission-matrix/preview', body, REASON);
      expect([res.status, res.body.code]).toEqual([400, 'BAD_REQUEST']);
      expect((await ctx.api('POST', '/permission-matrix', body, REASON)).status).toBe(400);
    }
    const change = { changes: [{ permission: 'claim.delete', role: 'support', granted: true }] };
    for (const role of ['supervisor', 'support', 'practitioner'] as const) {
      const other = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, role));
      expect((await other('POST', '/permission-matrix/preview', change)).status).toBe(403);
      expect((await other('POST', '/permission-matrix', change, REASON)).status).toBe(403);
    }
    expect((await client(`${ctx.app.url}/api`, await signIn(ctx.app.url, 'practitioner'))('GET', '/permission-matrix')).status).toBe(403);
    expect((await client(`${ctx.app.url}/api`)('GET', '/permission-matrix')).status).toBe(401);
    // Taking permission.manage from one's own role is refused by the database, in the preview already.
    const own = await ctx.api('POST', '/permission-matrix/preview', { changes: [{ permission: 'permission.manage', role: 'system_admin', granted: false }] });
    expect(own.status).toBe(409);
    expect(await stored()).toEqual(before);
    expect(await auditCount()).toBe(audits);
  }, 60_000);
});
