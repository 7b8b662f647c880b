import { afterAll, beforeAll } from '@jest/globals';
import { createApp, type App } from '../../server/app.js';
import { testDatabase, type TestDatabase } from './database.js';
import { loadConfig } from '../../server/config/config.js';
import type { Database } from '../../server/db/database.js';

export const TEST_JWT_SECRET = 'test-secret-for-the-test-servers-only-0123456789';

/**
 * Starts the real Nest application on 127.0.0.1 and a free port. Its demo users need no second
 * factor (MFA_REQUIRED_ROLES=none, also set for child processes by global-setup.mjs) unless `env`
 * says otherwise: test/api/auth-mfa.spec.ts runs the default policy.
 */
export async function startServer(db: Database, env: Record<string, string> = {}): Promise<App> {
  return createApp(db, { ...loadConfig({ JWT_SECRET: TEST_JWT_SECRET, MFA_REQUIRED_ROLES: 'none', ...env }), port: 0, host: '127.0.0.1', databaseUrl: db.url });
}

/** The seeded demo accounts, by role. */
export const DEMO = {
  admin: 'admin@demo.kcsos.invalid',
  support: 'support@demo.kcsos.invalid',
  supervisor: 'supervisor@demo.kcsos.invalid',
  districtAdmin: 'district.admin@demo.kcsos.invalid',
  practitioner: 'practitioner@demo.kcsos.invalid',
} as const;
export type DemoRole = keyof typeof DEMO;
export const demoPassword = (email: string) => `${email.split('@')[0].replace(/\d+$/, '')}-demo-pass`;

/** Signs a demo user in through the API and returns the bearer header. */
export async function signIn(base: string, who: DemoRole | string, password?: string): Promise<Record<string, string>> {
  const email = who in DEMO ? DEMO[who as DemoRole] : who;
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: password ?? demoPassword(email) }),
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`sign-in of ${email} failed: ${res.status} ${JSON.stringify(body)}`);
  return { authorization: `Bearer ${body.token}` };
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * A small fetch wrapper: JSON in, JSON out, status kept. A PUT says it overwrites whatever version
 * is stored (`If-Match: *`), as a script wanting last-write-wins would, unless the test sends its
 * own If-Match (an empty one sends none: the precondition's own tests).
 */
export function client(base: string, defaults: Record<string, string> = {}) {
  return async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const all: Record<string, string> = { ...(method === 'PUT' ? { 'if-match': '*' } : {}), ...defaults, ...headers };
    if (all['if-match'] === '') delete all['if-match'];
    const init: RequestInit = { method, headers: all };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(base + path, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
}

export const q = (value: unknown) => encodeURIComponent(JSON.stringify(value));

export interface ServerContext {
  db: TestDatabase;
  app: App;
  /** The API as the signed-in demo user (admin unless said otherwise). */
  api: ReturnType<typeof client>;
}

/**
 * The usual test file setup: its own copy of the seeded database, the real server on it, and a client
 * signed in as a demo user; torn down after the file.
 */
export function serverForTests(options: { as?: DemoRole; env?: Record<string, string>; analyze?: boolean } = {}): ServerContext {
  const ctx = {} as ServerContext;
  beforeAll(async () => {
    ctx.db = await testDatabase();
    if (options.analyze) await ctx.db.pool.query('ANALYZE');
    ctx.app = await startServer(ctx.db, options.env);
    ctx.api = client(`${ctx.app.url}/api`, await signIn(ctx.app.url, options.as ?? 'admin'));
  });
  afterAll(async () => {
    await ctx.app?.close();
    await ctx.db?.drop();
  });
  return ctx;
}
