import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { passwordVerifications } from '../../server/auth/passwords.js';
import { DEMO, demoPassword, serverForTests, signIn } from '../support/server.js';

/**
 * The sign-in limits of issue 14: an attempt is consumed before the password reaches argon2, the
 * strict limit is per account *and* address, and a looser one per account spans all addresses.
 * The trusted balancer (TRUST_PROXY) lets one test play several client addresses.
 */
const ctx = serverForTests({
  env: { TRUST_PROXY: '127.0.0.1', LOGIN_LIMIT_PER_ACCOUNT: '5', LOGIN_LIMIT_PER_ACCOUNT_TOTAL: '12', LOGIN_LIMIT_PER_ADDRESS: '200' },
});

const login = (email: string, password: string, from: string) =>
  fetch(`${ctx.app.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ email, password }),
  }).then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.json() }));

const key = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('base64url');
/** The limiter's own count in PostgreSQL (rate-limiter-flexible's table). */
const points = async (prefix: string, k: string) =>
  (await ctx.db.pool.query(`SELECT points FROM login_rate_limit WHERE key = $1`, [`${prefix}:${k}`])).rows[0]?.points ?? 0;

describe('sign-in limits under a burst', () => {
  it('checks at most the limit of 40 parallel wrong passwords against the hash', async () => {
    const email = 'practitioner3@demo.kcsos.invalid';
    const before = passwordVerifications();
    const answers = await Promise.all(Array.from({ length: 40 }, () => login(email, 'wrong-guess-123', '203.0.113.10')));
    const verified = passwordVerifications() - before;
    expect(verified).toBeLessThanOrEqual(5);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(verified);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(40 - verified);
    expect(answers.every((a) => a.status === 401 || Number(a.retryAfter) > 0)).toBe(true);
    // Every attempt was counted, the refused ones too: the store holds all 40.
    expect(await points('pair', key(email, '203.0.113.10'))).toBe(40);
    // And the right password from that address is refused as well, without a check.
    const again = passwordVerifications();
    expect((await login(email, demoPassword(email), '203.0.113.10')).status).toBe(429);
    expect(passwordVerifications()).toBe(again);
  });

  it('checks at most the limit of parallel wrong current passwords on a password change', async () => {
    const email = 'practitioner4@demo.kcsos.invalid';
    const auth = await signIn(ctx.app.url, email);
    const before = passwordVerifications();
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${ctx.app.url}/api/auth/password`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ current: 'not-my-password', password: 'a-brand-new-passphrase' }),
        }).then((r) => r.status),
      ),
    );
    expect(passwordVerifications() - before).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 400).length).toBe(passwordVerifications() - before);
    expect(statuses.filter((s) => s === 429).length).toBe(20 - (passwordVerifications() - before));
  });
});

describe('the limits cannot be turned against the owner', () => {
  it('lets the owner sign in from another address after an attacker used up the account at theirs', async () => {
    const email = DEMO.supervisor;
    for (let i = 0; i < 5; i++) expect((await login(email, `guess-${i}-guess`, '198.51.100.66')).status).toBe(401);
    expect((await login(email, demoPassword(email), '198.51.100.66')).status).toBe(429);
    const owner = await login(email, demoPassword(email), '192.0.2.25');
    expect(owner.status).toBe(200);
    expect(owner.body.token).toEqual(expect.any(String));
    // The owner's success refunded their own attempt only (the 5 failures stay; the refused try,
    // stopped at the attacker's own address, never counted against the account everywhere);
    // the attacker's address stays blocked.
    expect(await points('acct', key(email))).toBe(5);
    expect((await login(email, demoPassword(email), '198.51.100.66')).status).toBe(429);
  });

  it('a success clears only that address\'s failures for the account', async () => {
    const email = 'practitioner5@demo.kcsos.invalid';
    for (let i = 0; i < 4; i++) expect((await login(email, `typo-${i}-typo`, '192.0.2.40')).status).toBe(401);
    expect((await login(email, demoPassword(email), '192.0.2.40')).status).toBe(200);
    expect(await points('pair', key(email, '192.0.2.40'))).toBe(0);
    for (let i = 0; i < 4; i++) expect((await login(email, `typo-${i}-again`, '192.0.2.40')).status).toBe(401);
    expect((await login(email, demoPassword(email), '192.0.2.40')).status).toBe(200);
  });

  it('still slows a guesser spread over many addresses: the per-account total trips', async () => {
    const email = 'practitioner6@demo.kcsos.invalid';
    const before = passwordVerifications();
    // Three guesses from each of four addresses: 12, the total, none past its address's limit of 5.
    for (let a = 0; a < 4; a++) {
      for (let i = 0; i < 3; i++) expect((await login(email, `spread-${a}-${i}`, `203.0.113.${100 + a}`)).status).toBe(401);
    }
    const fresh = await login(email, 'spread-new-address', '203.0.113.200');
    expect(fresh.status).toBe(429);
    expect(Number(fresh.retryAfter)).toBeGreaterThan(0);
    expect(passwordVerifications() - before).toBe(12);
    // Another account is not affected.
    expect((await login('practitioner8@demo.kcsos.invalid', demoPassword('practitioner8@demo.kcsos.invalid'), '203.0.113.200')).status).toBe(200);
  });
});
