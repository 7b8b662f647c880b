import type { Pool, PoolClient } from 'pg';
import { AppError } from '../errors/app-error.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';

/** What is known of a sign-in as it goes: filled in step by step, recorded once at its end. */
export interface Attempt {
  method: 'password' | 'single sign-on' | null;
  address: string | null;
  email: string | null;
  provider?: string | null;
  userId?: number | null;
  secondFactor?: 'authenticator code' | 'recovery code' | 'provider' | null;
  /** Why it failed, in words (set where the code knows better than the error's code). */
  detail?: string | null;
}

/** A refusal's wording in the log, by its error code, where the attempt did not say. */
const FAILURE: Partial<Record<AppError['code'], string>> = {
  TOO_MANY_REQUESTS: 'too many attempts',
  MFA_REQUIRED: 'second factor asked for',
  MFA_INVALID: 'second factor wrong or used',
  VALIDATION: 'incomplete request',
};

// The xid first, then the id from the sequence, as for access_log: the sealer relies on it
// (server/audit/sealer.ts).
const INSERT = `WITH tx AS MATERIALIZED (SELECT txid_current())
  INSERT INTO ${T.authEvents} (event, outcome, method, provider, second_factor, user_id, email, client_address, detail)
  SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 FROM tx`;

/**
 * The record of authentication (auth_event): every sign-in, whether it worked or not, and every
 * sign-out. A success is written in the transaction that starts the session's bookkeeping (no
 * sign-in without its record); a failure is written before its refusal is answered.
 */
export class SignInEvents {
  constructor(private readonly pool: Pool) {}

  /** A successful sign-in, inside the caller's transaction. */
  succeeded(tx: PoolClient, attempt: Attempt, detail: string | null = null): Promise<unknown> {
    return this.insert(tx, 'sign-in', 'success', { ...attempt, detail });
  }

  /** A sign-out of the user's session. */
  signedOut(userId: number, address: string | null): Promise<unknown> {
    return this.insert(this.pool, 'sign-out', 'success', { method: null, address, email: null, userId });
  }

  /**
   * Runs a sign-in; a refusal (any 4xx) is recorded with what was known of the attempt, then
   * answered as it was. A failure to record it is logged, not answered instead.
   */
  async around<T>(attempt: Attempt, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError && error.status < 500) {
        const detail = attempt.detail ?? FAILURE[error.code] ?? error.message.slice(0, 200);
        await this.insert(this.pool, 'sign-in', 'failure', { ...attempt, detail }).catch((e: unknown) => console.error(`auth_event: a failed sign-in was not recorded: ${(e as Error).message}`));
      }
      throw error;
    }
  }

  /** A refusal that is answered as a redirect, not thrown (single sign-on's callback). */
  refused(attempt: Attempt): Promise<unknown> {
    return this.insert(this.pool, 'sign-in', 'failure', attempt).catch((e: unknown) => console.error(`auth_event: a failed sign-in was not recorded: ${(e as Error).message}`));
  }

  private insert(db: Pool | PoolClient, event: string, outcome: string, a: Attempt): Promise<unknown> {
    return db.query(INSERT, [event, outcome, a.method, a.provider ?? null, a.secondFactor ?? null, a.userId ?? null, a.email?.slice(0, 320) ?? null, a.address, a.detail ?? null]);
  }
}
