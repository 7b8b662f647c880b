import type { Pool } from 'pg';
import { RateLimiterPostgres, type RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../errors/app-error.js';

export interface LoginLimits {
  /** Failed sign-ins allowed per account in the window. */
  perAccount: number;
  /** Failed sign-ins allowed per client address in the window. */
  perAddress: number;
  windowSeconds: number;
}

export const DEFAULT_LIMITS: LoginLimits = { perAccount: 5, perAddress: 30, windowSeconds: 15 * 60 };

/**
 * Failed sign-ins counted in PostgreSQL (rate-limiter-flexible's store), so every replica sees the
 * same counts. A blocked account or address gets 429 with Retry-After before any password check.
 */
export class LoginLimiter {
  private readonly account: RateLimiterPostgres;
  private readonly address: RateLimiterPostgres;

  constructor(pool: Pool, readonly limits: LoginLimits = DEFAULT_LIMITS) {
    const common = { storeClient: pool, storeType: 'pool', tableName: 'login_rate_limit', tableCreated: true, duration: limits.windowSeconds };
    this.account = new RateLimiterPostgres({ ...common, keyPrefix: 'account', points: limits.perAccount });
    this.address = new RateLimiterPostgres({ ...common, keyPrefix: 'address', points: limits.perAddress });
  }

  private static blocked(res: RateLimiterRes | null, points: number): number {
    return res && res.consumedPoints >= points ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;
  }

  /** Throws 429 when either key has used up its failures. */
  async check(email: string, address: string): Promise<void> {
    const [a, b] = await Promise.all([this.account.get(email), this.address.get(address)]);
    const wait = Math.max(LoginLimiter.blocked(a, this.limits.perAccount), LoginLimiter.blocked(b, this.limits.perAddress));
    if (wait > 0) {
      const when = wait < 90 ? `${wait} seconds` : `${Math.ceil(wait / 60)} minutes`;
      throw new AppError('TOO_MANY_REQUESTS', `Too many failed sign-ins; try again in ${when}`, undefined, undefined, { 'Retry-After': String(wait) });
    }
  }

  async failed(email: string, address: string): Promise<void> {
    await Promise.all([this.account.penalty(email, 1), this.address.penalty(address, 1)]);
  }

  async succeeded(email: string): Promise<void> {
    await this.account.delete(email);
  }
}
