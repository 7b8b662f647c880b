import { createApp, type App } from '../../server/app.js';
import { loadConfig } from '../../server/config/config.js';
import type { Database } from '../../server/db/database.js';

/** Starts the real Nest application on 127.0.0.1 and a free port. */
export async function startServer(db: Database): Promise<App> {
  return createApp(db, { ...loadConfig({}), port: 0, host: '127.0.0.1', databaseUrl: db.url });
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

/** A small fetch wrapper: JSON in, JSON out, status kept. */
export function client(base: string, defaults: Record<string, string> = {}) {
  return async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const init: RequestInit = { method, headers: { ...defaults, ...headers } };
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
