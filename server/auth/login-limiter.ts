import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../errors/app-error.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';

interface LoginLimits {
  /** Sign-in attempts allowed per account from one client address in the window (the strict limit). */
  perAccount: number;
  /** Attempts allowed per account from all addresses together (loose: slows a distributed guesser). */
  perAccountTotal: number;
  /** Attempts allowed per client address, whatever the account (slows a password sprayer). */
  perAddress: number;
  windowSeconds: number;
}

const DEFAULT_LIMITS: LoginLimits = { perAccount: 5, perAccountTotal: 50, perAddress: 30, windowSeconds: 15 * 60 };

/** What a caller holds after `attempt`: hand it back to `succeeded` so the attempt is refunded. */
export interface Attempt {
  account: string;
  address: string;
}

/**
 * Sign-in attempts counted in PostgreSQL (rate-limiter-flexible's store), so every replica sees the
 * same counts.
 *
 * An attempt is consumed *before* the password is verified, by one atomic upsert per key: of 40
 * parallel guesses with a limit of 5, the first 5 get points 1..5 and go on to argon2, the other 35
 * are refused without reaching it (reading the count, verifying, then recording the failure let all
 * 40 through). A success refunds its own attempt, so only failures stay counted.
 *
 * Three keys: the account at this address (strict), the account from anywhere (loose), and the
 * address (any account). The strict key is what a guesser at one address meets; five wrong
 * passwords from elsewhere do not lock the owner out, because the owner's address has its own
 * count. The loose key still stops a guesser spreading over many addresses.
 */
export class LoginLimiter {
  private readonly pair: RateLimiterPostgres;
  private readonly account: RateLimiterPostgres;
  private readonly address: RateLimiterPostgres;

  constructor(pool: Pool, readonly limits: LoginLimits = DEFAULT_LIMITS) {
    const common = { storeClient: pool, storeType: 'pool', tableName: T.signInLimits, tableCreated: true, duration: limits.windowSeconds };
    this.pair = new RateLimiterPostgres({ ...common, keyPrefix: 'pair', points: limits.perAccount });
    this.account = new RateLimiterPostgres({ ...common, keyPrefix: 'acct', points: limits.perAccountTotal });
    this.address = new RateLimiterPostgres({ ...common, keyPrefix: 'address', points: limits.perAddress });
  }

  /** Keys are hashed: an e-mail may be 320 characters, the store's key column 255. */
  private static key(...parts: string[]): string {
    return createHash('sha256').update(parts.join('\0')).digest('base64url');
  }

  /**
   * Consumes one attempt on each key, each atomically, or throws 429 with Retry-After when a key is
   * used up (the refused attempt still counts on the keys it reached: a burst cannot outrun the window).
   */
  async attempt(email: string, address: string): Promise<Attempt> {
    const held: Attempt = { account: LoginLimiter.key(email), address };
    // In this order, each only once the one before let the attempt through: an attempt this
    // address may no longer make for this account (or at all) never counts against the account
    // everywhere, so a guesser at one address, however fast, cannot use up the owner's loose count.
    await LoginLimiter.take(this.pair, LoginLimiter.key(email, address));
    await LoginLimiter.take(this.address, address);
    await LoginLimiter.take(this.account, held.account);
    return held;
  }

  private static async take(limiter: RateLimiterPostgres, key: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const wait = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      const when = wait < 90 ? `${wait} seconds` : `${Math.ceil(wait / 60)} minutes`;
      throw new AppError('TOO_MANY_REQUESTS', `Too many failed sign-ins; try again in ${when}`, undefined, undefined, { 'Retry-After': String(wait) });
    }
  }

  /** The attempt succeeded: clear this address's count for the account, refund the others. */
  async succeeded(email: string, address: string): Promise<void> {
    await Promise.all([
      this.pair.delete(LoginLimiter.key(email, address)),
      this.account.reward(LoginLimiter.key(email), 1),
      this.address.reward(address, 1),
    ]);
  }
}
