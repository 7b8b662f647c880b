import type { Pool } from 'pg';
import { inUnitOfWork } from './unit-of-work.js';

/** The account batch work and pre-auth writes are recorded under (audit rows need a user). */
export const SYSTEM_EMAIL = 'system@kcsos.invalid';

export async function ensureSystemUser(pool: Pool): Promise<number> {
  const found = await pool.query<{ id: number }>('SELECT id FROM app_user WHERE email = $1', [SYSTEM_EMAIL]);
  if (found.rows[0]) return found.rows[0].id;
  return inUnitOfWork(pool, { userId: null, reason: 'system account' }, async (tx) => {
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO app_user (first_name, last_name, email, role, status, department, permission_level)
       VALUES ('System', 'Account', $1, 'Admin', 'Active', 'Platform', 'Full')
       ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email RETURNING id`,
      [SYSTEM_EMAIL],
    );
    return rows[0].id;
  });
}
