import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import type { App } from '../../server/app.js';
import { testDatabase, type TestDatabase } from '../support/database.js';
import { startServer } from '../support/server.js';

let db: TestDatabase;
let app: App;
let port: number;

beforeAll(async () => {
  db = await testDatabase();
  // Short timeouts so a stalled client is seen being cut off within the test.
  app = await startServer(db, { HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000', CORS_ORIGINS: 'http://console.example.test' });
  port = Number(new URL(app.url).port);
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

/** Sends raw bytes and collects what the server answers until it closes the connection. */
function raw(bytes: string, giveUpMs = 8_000): Promise<{ answer: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    let answer = '';
    socket.on('data', (d) => (answer += d));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ answer, closedAfterMs: Date.now() - started });
    });
    socket.on('error', reject);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept a stalled connection open for ${giveUpMs} ms`));
    }, giveUpMs);
  });
}

describe('security headers', () => {
  it('come with API answers, errors and the console alike', async () => {
    for (const path of ['/api/health', '/api/claim', '/']) {
      const res = await fetch(app.url + path);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });
});

describe('CORS', () => {
  it('answers only the configured origins', async () => {
    const allowed = await fetch(`${app.url}/api/health`, { headers: { origin: 'http://console.example.test' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://console.example.test');
    expect(allowed.headers.get('access-control-expose-headers')).toContain('Content-Range');

    const foreign = await fetch(`${app.url}/api/health`, { headers: { origin: 'http://evil.example.test' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

    const preflight = await fetch(`${app.url}/api/claim/1`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example.test', 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'authorization' },
    });
    // Without an allow-origin answer the browser refuses the actual request.
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('slow clients', () => {
  it('cuts off a client that never finishes its headers (408, connection closed)', async () => {
    const { answer, closedAfterMs } = await raw('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toContain('"code":"REQUEST_TIMEOUT"');
    expect(closedAfterMs).toBeLessThan(4_000);
  });

  it('cuts off a client that announces a body and never sends it', async () => {
    const head = 'POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"email":';
    const { answer, closedAfterMs } = await raw(head);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeLessThan(5_000);
  });

  it('still answers a prompt client on a fresh connection meanwhile', async () => {
    const stalled = raw('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const res = await fetch(`${app.url}/api/health`);
    expect(res.status).toBe(200);
    await stalled;
  });
});
