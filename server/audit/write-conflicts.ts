import type { Pool } from 'pg';
import type { Caller } from '../engine/caller.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import { AppError } from '../errors/app-error.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';
import type { CONFLICT_ACTIONS } from './write-conflict.sql.js';

/** A refused write's version check, by the refusal's code (an optimistic lock answers with the current record). */
const CHECKED: Partial<Record<AppError['code'], string>> = { CONFLICT: 'version', PRECONDITION_FAILED: 'If-Match' };

// The xid first, then the id from the sequence, as for the other chained logs: the sealer relies
// on it (server/audit/sealer.ts).
const INSERT = `WITH tx AS MATERIALIZED (SELECT txid_current())
  INSERT INTO ${T.writeConflicts} (user_id, action, checked, table_name, record_pk, client_address)
  SELECT $1, $2, $3, $4, jsonb_build_object('id', $5::bigint), $6 FROM tx`;

/** A refusal of the optimistic lock: it answers with the record as it stands (`details.current`). */
export function answersWithRecord(error: unknown): error is AppError {
  return error instanceof AppError && error.details?.current !== undefined;
}

export interface ConflictAttempt {
  caller: Caller;
  resource: ResourceMeta;
  id: number;
  action: (typeof CONFLICT_ACTIONS)[number];
  address: string | null;
}

/**
 * Runs a write; when it is refused because the record changed since the writer read it (the
 * engine's optimistic lock: a 409 or 412 carrying the current record), the refusal is recorded
 * in write_conflict, then answered as it was. The write's own transaction has rolled back by
 * then, so the record is written on the pool, in a transaction of its own. A failure to record is
 * logged, not answered instead: the writer's answer (reload and edit again) stays the same.
 */
export async function recordingConflicts<T>(pool: Pool, attempt: ConflictAttempt, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const checked = answersWithRecord(error) ? CHECKED[error.code] : undefined;
    if (checked) {
      const { caller, resource, id, action, address } = attempt;
      await pool
        .query(INSERT, [caller.userId, action, checked, resource.name, id, address])
        .catch((e: unknown) => console.error(`${T.writeConflicts}: a refused write was not recorded: ${(e as Error).message}`));
    }
    throw error;
  }
}
