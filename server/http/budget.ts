import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.js';

/**
 * How many of one kind of long request (bulk changes, exports) run at once: per user and in all.
 * A request beyond either is refused at once with 429 and Retry-After, before it takes any
 * connection or memory, so one user's many previews or slow exports cannot take the server, its
 * pool or its heap from everyone else.
 */
export class Gate {
  private readonly running = new Map<number | null, number>();
  private total = 0;

  constructor(
    /** What the gate admits, in words for the refusal ("imports and bulk changes"). */
    private readonly what: string,
    private readonly limits: { perUser: number; total: number },
    private readonly retryAfterSeconds = 5,
  ) {}

  /** Takes a place for `userId`, or refuses; the returned function gives it back (once). */
  enter(userId: number | null): () => void {
    const mine = this.running.get(userId) ?? 0;
    const headers = { 'Retry-After': String(this.retryAfterSeconds) };
    if (mine >= this.limits.perUser) {
      throw new AppError('TOO_MANY_REQUESTS', `You already have ${mine} ${this.what} running; try again when one has finished`, undefined, undefined, headers);
    }
    if (this.total >= this.limits.total) {
      throw new AppError('TOO_MANY_REQUESTS', `The server is running as many ${this.what} as it takes at once; try again in a few seconds`, undefined, undefined, headers);
    }
    this.running.set(userId, mine + 1);
    this.total++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.total--;
      const now = (this.running.get(userId) ?? 1) - 1;
      if (now > 0) this.running.set(userId, now);
      else this.running.delete(userId);
    };
  }

  /** Runs `work` holding a place. */
  async run<T>(userId: number | null, work: () => Promise<T>): Promise<T> {
    const leave = this.enter(userId);
    try {
      return await work();
    } finally {
      leave();
    }
  }
}

/**
 * A bulk change checks and writes every row like a single write (about 4 ms a row on the project's
 * 2-core machine), so thousands of rows can outlast the server's 30 s idle-socket timeout before the
 * first byte of the answer: the socket of such a request may wait this long instead.
 */
const BULK_SOCKET_TIMEOUT_MS = 5 * 60_000;

/** A request that changes many rows (bulk work, undoing a change set) runs within a gate, with a patient socket. */
export async function patiently<T>(gate: Gate, userId: number | null, req: FastifyRequest, work: () => Promise<T>): Promise<T> {
  const leave = gate.enter(userId);
  const socket = req.raw.socket;
  const usual = socket.timeout ?? 0;
  socket.setTimeout(BULK_SOCKET_TIMEOUT_MS);
  try {
    return await work();
  } finally {
    socket.setTimeout(usual);
    leave();
  }
}

/** The gates of the server's long requests, built once from the configuration. */
export interface RequestBudgets {
  bulk: Gate;
  exports: Gate;
  /** Signed evidence files, built whole in memory (at most MAX_EVIDENCE_BYTES of rows each). */
  evidence: Gate;
  /** An export whose reader takes nothing for this long is ended. */
  exportStallMs: number;
}

export function requestBudgets(config: { bulkPerUser: number; bulkTotal: number; exportsPerUser: number; exportsTotal: number; exportStallMs: number }): RequestBudgets {
  return {
    bulk: new Gate('imports, bulk changes or undos of change sets', { perUser: config.bulkPerUser, total: config.bulkTotal }),
    exports: new Gate('exports', { perUser: config.exportsPerUser, total: config.exportsTotal }),
    evidence: new Gate('evidence exports', { perUser: 1, total: 2 }),
    exportStallMs: config.exportStallMs,
  };
}
