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
  /** Failed sign-ins allowed in 15 minutes per account at one address, per account in all, per address. */
  loginLimits: { perAccount: number; perAccountTotal: number; perAddress: number };
  /** A session unused this long ends on the server (SESSION_IDLE_MINUTES, fractions allowed). */
  sessionIdleSeconds: number;
  /** OIDC_PROVIDERS as given: a JSON list (parsed by server/auth/oidc-config.ts at boot). */
  oidcProviders: string | undefined;
  /** Encrypts TOTP secrets at rest; unset: derived from the token key. */
  mfaSecretKey: string | undefined;
  /** MFA_REQUIRED_ROLES as given (parsed by server/auth/mfa-policy.ts at boot). */
  mfaRequiredRoles: string | undefined;
  /** How the serving pool protects itself: see DatabaseLimits. */
  db: DatabaseLimits;
  /** Slow or stalled clients: a request (headers and body) must arrive within these. */
  http: { requestTimeoutMs: number; headersTimeoutMs: number; keepAliveTimeoutMs: number };
  /** Documents attached to records (file_metadata): where their bytes live and what is accepted. */
  files: FilesConfig;
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
  /** How often committed audit_log and access_log rows are sealed into their hash chains. */
  auditSealIntervalMs: number;
  /** How often the chain heads are signed (when they moved): a removed tail newer than this can go unseen. */
  auditCheckpointIntervalMs: number;
  /**
   * The Ed25519 private key (PEM) that signs evidence exports; when unset one is generated once
   * into dataDir (`audit-signing-key.pem`, its public half beside it).
   */
  auditSigningKey: string | undefined;
  /**
   * Whether each access record waits for its WAL flush before the read is answered. Off by default:
   * the record is committed and visible before the answer leaves, but a PostgreSQL crash within the
   * WAL writer's delay (at most about 0.6 s) could lose the newest ones. On: no such window, at the
   * cost of a disk flush per batch of reads (README, "Record of access").
   */
  accessLogSynchronousCommit: boolean;
  /**
   * Behind a load balancer: which proxies' X-Forwarded-For to believe (fastify's trustProxy: true
   * or addresses/CIDRs), so per-address login limits count clients, not the balancer.
   */
  trustProxy: boolean | string[];
  /**
   * A PUT must say which version it changes (If-Match with the ETag of GET, or the version field in
   * the body): 428 otherwise. `REQUIRE_PRECONDITION=false` for deployments that want last-write-wins.
   */
  requirePrecondition: boolean;
  /** What one user, and everyone together, may run at once of the long requests (see budget.ts). */
  budgets: Budgets;
}

export interface Budgets {
  /** Concurrent bulk requests (import and bulk-edit previews and applies, bulk deletes). */
  bulkPerUser: number;
  bulkTotal: number;
  /** Concurrent exports; each holds one connection of the exports' own pool. */
  exportsPerUser: number;
  exportsTotal: number;
  /** An export whose reader takes nothing for this long is ended, giving its connection back. */
  exportStallMs: number;
}

/**
 * Limits of the serving pool. A request waits at most `acquireTimeoutMs` for a connection (then 503),
 * no statement runs longer than `statementTimeoutMs`, and a transaction left idle (a stuck client)
 * is ended by PostgreSQL after `idleInTransactionTimeoutMs`, releasing its locks.
 */
export interface DatabaseLimits {
  poolMax: number;
  acquireTimeoutMs: number;
  statementTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
}

export interface S3Config {
  bucket: string;
  /** Key prefix inside the bucket (e.g. `kcsos/`), so one bucket can serve several deployments. */
  prefix: string;
  region: string;
  /** An S3-compatible endpoint (MinIO, Ceph, ...); unset for AWS itself. */
  endpoint: string | undefined;
  forcePathStyle: boolean;
}

export interface FilesConfig {
  store: 'local' | 's3';
  /** The local store's folder (and the spool of uploads in progress). */
  dir: string;
  maxBytes: number;
  /** MIME types accepted, as detected from the content. */
  allowedTypes: string[];
  s3: S3Config | undefined;
}

function count(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, got "${value}"`);
  return n;
}

function minutes(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 24 * 60) throw new Error(`${name} must be a number of minutes above 0 and at most 1440, got "${value}"`);
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

function filesConfig(env: NodeJS.ProcessEnv, dataDir: string): FilesConfig {
  const store = env.FILE_STORE || 'local';
  if (store !== 'local' && store !== 's3') throw new Error(`FILE_STORE must be "local" or "s3", got "${store}"`);
  const allowedTypes = (env.FILE_TYPES || 'application/pdf,image/png,image/jpeg').split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
  for (const t of allowedTypes) if (!/^[a-z]+\/[a-z0-9.+-]+$/.test(t)) throw new Error(`FILE_TYPES must list MIME types, got "${t}"`);
  let s3: S3Config | undefined;
  if (store === 's3') {
    if (!env.S3_BUCKET) throw new Error('FILE_STORE=s3 needs S3_BUCKET');
    const region = env.S3_REGION || env.AWS_REGION;
    if (!region) throw new Error('FILE_STORE=s3 needs S3_REGION (or AWS_REGION)');
    s3 = {
      bucket: env.S3_BUCKET,
      prefix: env.S3_PREFIX ?? '',
      region,
      endpoint: env.S3_ENDPOINT || undefined,
      forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
    };
  }
  return {
    store,
    dir: path.resolve(env.FILES_DIR || path.join(dataDir, 'files')),
    maxBytes: count(env.FILE_MAX_BYTES, 20 * 1024 * 1024, 'FILE_MAX_BYTES'),
    allowedTypes,
    s3,
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const dataDir = path.resolve(env.DATA_DIR || '.data');
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    host: env.HOST || '127.0.0.1',
    port: port(env.PORT, 3000),
    dataDir,
    files: filesConfig(env, dataDir),
    production: env.NODE_ENV === 'production',
    jwtSecret: env.JWT_SECRET || undefined,
    exactCountBelow: count(env.EXACT_COUNT_BELOW, 20_000, 'EXACT_COUNT_BELOW'),
    loginLimits: {
      perAccount: count(env.LOGIN_LIMIT_PER_ACCOUNT, 5, 'LOGIN_LIMIT_PER_ACCOUNT'),
      perAccountTotal: count(env.LOGIN_LIMIT_PER_ACCOUNT_TOTAL, 50, 'LOGIN_LIMIT_PER_ACCOUNT_TOTAL'),
      perAddress: count(env.LOGIN_LIMIT_PER_ADDRESS, 30, 'LOGIN_LIMIT_PER_ADDRESS'),
    },
    mfaRequiredRoles: env.MFA_REQUIRED_ROLES,
    mfaSecretKey: env.MFA_SECRET_KEY || undefined,
    oidcProviders: env.OIDC_PROVIDERS,
    sessionIdleSeconds: minutes(env.SESSION_IDLE_MINUTES, 15, 'SESSION_IDLE_MINUTES') * 60,
    db: {
      poolMax: count(env.DB_POOL_MAX, 10, 'DB_POOL_MAX'),
      acquireTimeoutMs: count(env.DB_ACQUIRE_TIMEOUT_MS, 5_000, 'DB_ACQUIRE_TIMEOUT_MS'),
      statementTimeoutMs: count(env.DB_STATEMENT_TIMEOUT_MS, 30_000, 'DB_STATEMENT_TIMEOUT_MS'),
      idleInTransactionTimeoutMs: count(env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS, 60_000, 'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS'),
    },
    http: {
      requestTimeoutMs: count(env.HTTP_REQUEST_TIMEOUT_MS, 30_000, 'HTTP_REQUEST_TIMEOUT_MS'),
      headersTimeoutMs: count(env.HTTP_HEADERS_TIMEOUT_MS, 10_000, 'HTTP_HEADERS_TIMEOUT_MS'),
      keepAliveTimeoutMs: count(env.HTTP_KEEP_ALIVE_TIMEOUT_MS, 5_000, 'HTTP_KEEP_ALIVE_TIMEOUT_MS'),
    },
    replicaUrls: urls(env.DATABASE_REPLICA_URLS),
    readYourWritesMs: count(env.READ_YOUR_WRITES_MS, 5_000, 'READ_YOUR_WRITES_MS'),
    auditPartitionsAhead: count(env.AUDIT_PARTITIONS_AHEAD, 3, 'AUDIT_PARTITIONS_AHEAD'),
    auditRetentionMonths: env.AUDIT_RETENTION_MONTHS ? count(env.AUDIT_RETENTION_MONTHS, 0, 'AUDIT_RETENTION_MONTHS') : null,
    auditArchiveDir: path.resolve(env.AUDIT_ARCHIVE_DIR || path.join(dataDir, 'audit-archive')),
    auditSealIntervalMs: count(env.AUDIT_SEAL_INTERVAL_MS, 1000, 'AUDIT_SEAL_INTERVAL_MS'),
    auditCheckpointIntervalMs: count(env.AUDIT_CHECKPOINT_INTERVAL_MS, 60_000, 'AUDIT_CHECKPOINT_INTERVAL_MS'),
    auditSigningKey: env.AUDIT_SIGNING_KEY || undefined,
    accessLogSynchronousCommit: env.ACCESS_LOG_SYNCHRONOUS_COMMIT === 'true',
    trustProxy: trustProxy(env.TRUST_PROXY),
    requirePrecondition: env.REQUIRE_PRECONDITION !== 'false',
    budgets: {
      bulkPerUser: count(env.BULK_PER_USER, 2, 'BULK_PER_USER'),
      bulkTotal: count(env.BULK_TOTAL, 4, 'BULK_TOTAL'),
      exportsPerUser: count(env.EXPORTS_PER_USER, 2, 'EXPORTS_PER_USER'),
      exportsTotal: count(env.EXPORTS_TOTAL, 4, 'EXPORTS_TOTAL'),
      exportStallMs: count(env.EXPORT_STALL_MS, 30_000, 'EXPORT_STALL_MS'),
    },
    corsOrigins: (env.CORS_ORIGINS ?? 'http://localhost:5173,http://127.0.0.1:5173').split(',').map((s) => s.trim()).filter(Boolean),
  };
}
