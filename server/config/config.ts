import path from 'node:path';

/** Typed view of the environment; read once at boot so a bad value stops the server, not a request. */
export interface AppConfig {
  /** Empty when the embedded PostgreSQL should be started. */
  databaseUrl: string | undefined;
  host: string;
  port: number;
  /** Where the embedded PostgreSQL, generated secrets and uploads live. */
  dataDir: string;
  production: boolean;
  /** Origins allowed to call the API from a browser (the console itself is same-origin). */
  corsOrigins: string[];
  /** HS256 key; when unset one is generated once under dataDir. */
  jwtSecret: string | undefined;
  /** List totals are counted exactly below this many rows, estimated by the planner above. */
  exactCountBelow: number;
  /** Failed sign-ins allowed per account / per client address in 15 minutes. */
  loginLimits: { perAccount: number; perAddress: number };
  /** Read replicas (streaming standbys of DATABASE_URL): list and show reads go to them. */
  replicaUrls: string[];
  /** After a session writes, its reads stay on the primary this long (replication lag cover). */
  readYourWritesMs: number;
  /** audit_log partitions kept ready: this month and the next N. */
  auditPartitionsAhead: number;
  /** Months of audit_log kept besides the current one; null (unset) keeps everything. */
  auditRetentionMonths: number | null;
  /** Where archived audit_log months are written. */
  auditArchiveDir: string;
  /**
   * Behind a load balancer: which proxies' X-Forwarded-For to believe (fastify's trustProxy: true
   * or addresses/CIDRs), so per-address login limits count clients, not the balancer.
   */
  trustProxy: boolean | string[];
}

function count(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, got "${value}"`);
  return n;
}

function urls(value: string | undefined): string[] {
  const list = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const url of list) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`DATABASE_REPLICA_URLS takes postgres:// URLs separated by commas, got "${url.replace(/:[^:@/]*@/, ':***@')}"`);
  }
  return list;
}

function trustProxy(value: string | undefined): boolean | string[] {
  if (!value || value === 'false') return false;
  if (value === 'true') return true;
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

function port(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`PORT must be an integer 0-65535, got "${value}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const dataDir = path.resolve(env.DATA_DIR || '.data');
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    host: env.HOST || '127.0.0.1',
    port: port(env.PORT, 3000),
    dataDir,
    production: env.NODE_ENV === 'production',
    jwtSecret: env.JWT_SECRET || undefined,
    exactCountBelow: count(env.EXACT_COUNT_BELOW, 20_000, 'EXACT_COUNT_BELOW'),
    loginLimits: {
      perAccount: count(env.LOGIN_LIMIT_PER_ACCOUNT, 5, 'LOGIN_LIMIT_PER_ACCOUNT'),
      perAddress: count(env.LOGIN_LIMIT_PER_ADDRESS, 30, 'LOGIN_LIMIT_PER_ADDRESS'),
    },
    replicaUrls: urls(env.DATABASE_REPLICA_URLS),
    readYourWritesMs: count(env.READ_YOUR_WRITES_MS, 5_000, 'READ_YOUR_WRITES_MS'),
    auditPartitionsAhead: count(env.AUDIT_PARTITIONS_AHEAD, 3, 'AUDIT_PARTITIONS_AHEAD'),
    auditRetentionMonths: env.AUDIT_RETENTION_MONTHS ? count(env.AUDIT_RETENTION_MONTHS, 0, 'AUDIT_RETENTION_MONTHS') : null,
    auditArchiveDir: path.resolve(env.AUDIT_ARCHIVE_DIR || path.join(dataDir, 'audit-archive')),
    trustProxy: trustProxy(env.TRUST_PROXY),
    corsOrigins: (env.CORS_ORIGINS ?? 'http://localhost:5173,http://127.0.0.1:5173').split(',').map((s) => s.trim()).filter(Boolean),
  };
}
