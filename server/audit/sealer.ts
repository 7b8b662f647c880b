import type { Pool, PoolClient } from 'pg';
import { LOCKS, withAdvisoryLock } from '../db/advisory-lock.js';
import { ident } from '../engine/plan/sql.js';
import { CHAINS, type Chain } from './chain.sql.js';

/** Ids up to `upto` are final once every transaction below `xmax` has ended. */
interface Horizon {
  upto: string;
  xmax: string;
}

/**
 * Seals committed rows of audit_log and access_log into their hash chains, shortly after they
 * commit, in id order (chosen over chaining in the trigger, which would serialize every audited
 * write on the chain's head until its commit: README, "Tamper evidence").
 *
 * Ids come from a sequence when a row is inserted, not when it commits, so a row with a lower id
 * may commit after one with a higher id. A round therefore first takes a horizon: the sequence's
 * last value, then the snapshot's xmax. Every row holding an id up to it was inserted by a
 * transaction that already had an xid (the audit trigger runs in a transaction that has written,
 * the access log's INSERT takes its xid first), hence one below xmax. A later round, once no
 * transaction below xmax is still running, seals up to that id: no row can appear there any more,
 * so one that does was inserted out of order, and verify says so.
 */
export class AuditSealer {
  private readonly horizons = new Map<Chain, Horizon>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pool: Pool,
    private readonly options: { everyMs: number; batch: number; warn: (line: string) => void },
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.round().catch((error: unknown) => this.options.warn(`audit seal round failed (retried): ${(error as Error).message}`)));
    }, this.options.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One round for both chains; answers the rows sealed (0 when another replica holds the turn). */
  async round(): Promise<number> {
    const sealed = await withAdvisoryLock(this.pool, LOCKS.auditSeal, false, async (client) => {
      let n = 0;
      for (const chain of CHAINS) n += await this.sealChain(client, chain);
      return n;
    });
    return sealed ?? 0;
  }

  /** Rounds until every row committed before the call is sealed (tests, the verify CLI). */
  async catchUp(): Promise<number> {
    let total = 0;
    const target = new Map<Chain, string>();
    for (const chain of CHAINS) target.set(chain, await lastId(this.pool, chain));
    for (let i = 0; i < 10_000; i++) {
      const n = await withAdvisoryLock(this.pool, LOCKS.auditSeal, true, async (client) => {
        let sealed = 0;
        for (const chain of CHAINS) sealed += await this.sealChain(client, chain);
        return sealed;
      });
      total += n ?? 0;
      let done = true;
      for (const chain of CHAINS) {
        const { rows } = await this.pool.query(`SELECT coalesce(max(event_id), 0)::text AS id FROM audit_seal WHERE chain = $1`, [chain]);
        const pendingBelow = await this.pool.query(`SELECT 1 FROM ${ident(chain)} WHERE id > $1 AND id <= $2 LIMIT 1`, [rows[0].id, target.get(chain)]);
        if (pendingBelow.rowCount) done = false;
      }
      if (done) return total;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('audit seal: could not catch up (a transaction stays open?)');
  }

  private async sealChain(client: PoolClient, chain: Chain): Promise<number> {
    let sealed = 0;
    const horizon = this.horizons.get(chain);
    if (horizon) {
      const { rows } = await client.query(`SELECT pg_snapshot_xmin(pg_current_snapshot()) >= $1::xid8 AS ready`, [horizon.xmax]);
      if (!rows[0].ready) return 0;
      const r = await client.query(`SELECT audit_seal_rows($1, $2::bigint, $3) AS n`, [chain, horizon.upto, this.options.batch]);
      sealed = Number(r.rows[0].n);
      // A full batch leaves rows below the horizon for the next round.
      if (sealed >= this.options.batch) return sealed;
      this.horizons.delete(chain);
    }
    this.horizons.set(chain, await takeHorizon(client, chain));
    return sealed;
  }
}

async function takeHorizon(client: PoolClient, chain: Chain): Promise<Horizon> {
  // The sequence first, the snapshot after: see the class comment.
  const seq = await client.query(`SELECT CASE WHEN is_called THEN last_value ELSE 0 END::text AS upto FROM ${ident(`${chain}_id_seq`)}`);
  const snap = await client.query(`SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xmax`);
  return { upto: seq.rows[0].upto, xmax: snap.rows[0].xmax };
}

async function lastId(pool: Pool, chain: Chain): Promise<string> {
  const { rows } = await pool.query(`SELECT coalesce(max(id), 0)::text AS id FROM ${ident(chain)}`);
  return rows[0].id;
}
