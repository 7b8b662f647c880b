import { describe, expect, it } from '@jest/globals';
import { serverForTests } from '../support/server.js';

/** Behind a load balancer every request comes from the balancer; TRUST_PROXY names it. */
const ctx = serverForTests({ env: { TRUST_PROXY: '127.0.0.1', LOGIN_LIMIT_PER_ADDRESS: '3' } });

const attempt = (from: string, n: number) =>
  fetch(`${ctx.app.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ email: `nobody${n}@demo.kcsos.invalid`, password: 'wrong' }),
  }).then((r) => r.status);

describe('TRUST_PROXY', () => {
  it('counts failed sign-ins per client address given by the trusted balancer', async () => {
    for (let n = 0; n < 3; n++) expect(await attempt('203.0.113.7', n)).toBe(401);
    expect(await attempt('203.0.113.7', 3)).toBe(429);
    expect(await attempt('198.51.100.9', 4)).toBe(401);
  });
});
