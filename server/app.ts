import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { loadSortIndexes } from './db/sort-indexes.js';
import { MAX_JSON_DEPTH, parseJsonText } from './engine/params/json-text.js';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyStatic from '@fastify/static';
import helmet from 'helmet';
import { MATRIX_VERSION_HEADER, sendMatrixVersion } from './http/matrix-version.js';
import fastifyMultipart from '@fastify/multipart';
import { createRequire } from 'node:module';
import pg from 'pg';
import path from 'node:path';
import { existsSync } from 'node:fs';
import type { AppConfig } from './config/config.js';
import type { Database } from './db/database.js';
import { ResourceEngine } from './engine/execute.js';
import { resolveResources } from './engine/metadata/resolve-metadata.js';
import { AuthService } from './auth/auth.service.js';
import { loadJwtSecret } from './auth/jwt.js';
import { LoginLimiter } from './auth/login-limiter.js';
import { parseMfaPolicy } from './auth/mfa-policy.js';
import { parseOidcProviders } from './auth/oidc-config.js';
import { PermissionCache } from './auth/permission-cache.js';
import { listenForPermissionChanges } from './auth/permission-listener.js';
import { AuditMaintenance } from './audit/audit-partitions.js';
import { AccessLog } from './audit/access-log.js';
import { AuditSealer } from './audit/sealer.js';
import { AuditCheckpoints } from './audit/checkpoints.js';
import { ensureAccessLogPermissionsAt } from './audit/access-permissions.js';
import { AccessController } from './http/access.controller.js';
import { AuthController } from './http/auth.controller.js';
import { BulkController } from './http/bulk.controller.js';
import { PermissionMatrixController } from './http/permission-matrix.controller.js';
import { LinksController } from './http/links.controller.js';
import { syncPermissionMatrix } from './auth/sync-permissions.js';
import { ensureSystemUser } from './db/system-user.js';
import { ErrorFilter } from './http/error.filter.js';
import { AppError } from './errors/app-error.js';
import { HealthController } from './http/health.controller.js';
import { MetaController } from './http/meta.controller.js';
import { ResourcesController } from './http/resources.controller.js';
import { FilesController } from './http/files.controller.js';
import { createFileStore } from './files/create-file-store.js';
import { purgeDiscardedFiles } from './files/purge-discarded.js';
import { Documents } from './files/documents.js';
import { ACCESS_LOG, AUTH, BUDGETS, CALLER, CONFIG, DATABASE, DOCUMENTS, ENGINE, FIGURES, SIGNING_KEY } from './http/tokens.js';
import { requestBudgets, type RequestBudgets } from './http/budget.js';
import type { Pool } from 'pg';
import { EvidenceController } from './http/evidence.controller.js';
import { FiguresController } from './http/figures.controller.js';
import { SearchController } from './http/search.controller.js';
import { figurePools, type FigurePools } from './http/figure-pools.js';
import { loadSigningKey, type SigningKey } from './audit/signing-key.js';

@Module({})
class AppModule {
  static forRoot(providers: { db: Database; config: AppConfig; engine: ResourceEngine; auth: AuthService; documents: Documents; budgets: RequestBudgets; access: AccessLog; signingKey: SigningKey; figures: FigurePools }): DynamicModule {
    return {
      module: AppModule,
      // FilesController first: its routes are more specific than the generic /:resource/:id ones.
      controllers: [HealthController, AuthController, MetaController, FilesController, BulkController, PermissionMatrixController, LinksController, AccessController, EvidenceController, FiguresController, SearchController, ResourcesController],
      providers: [
        { provide: DATABASE, useValue: providers.db },
        { provide: CONFIG, useValue: providers.config },
        { provide: ENGINE, useValue: providers.engine },
        { provide: CALLER, useValue: providers.auth },
        { provide: AUTH, useValue: providers.auth },
        { provide: DOCUMENTS, useValue: providers.documents },
        { provide: BUDGETS, useValue: providers.budgets },
        { provide: ACCESS_LOG, useValue: providers.access },
        { provide: SIGNING_KEY, useValue: providers.signingKey },
        { provide: FIGURES, useValue: providers.figures },
        { provide: APP_FILTER, useClass: ErrorFilter },
      ],
    };
  }
}

export interface App {
  nest: INestApplication;
  engine: ResourceEngine;
  url: string;
  close(): Promise<void>;
}

const BODY_LIMIT = 1024 * 1024;

/** Builds the Nest application on a migrated database. Bad metadata throws here, at boot. */
export async function createApp(db: Database, config: AppConfig): Promise<App> {
  // Exports read through a cursor for as long as their reader takes: they get a small pool of their
  // own (one connection per admitted export), so slow readers never hold the serving pool's.
  // The same options as the serving pool (its type parsers, time zone and limits); pg keeps the
  // password out of the options' enumerable keys.
  const PoolOf = db.pool.constructor as new (options: object) => Pool;
  const served = (db.pool as unknown as { options: { password?: unknown; options?: string } }).options;
  const exportPool = new PoolOf({ ...served, password: served.password, max: config.budgets.exportsTotal, min: 0 });
  // An idle connection the database ends (a restart, pg_terminate_backend) must not crash the process.
  exportPool.on('error', (error) => console.warn(`exports pool: ${error.message}`));
  const figures = figurePools((options) => new PoolOf({ ...served, password: served.password, ...options }), config.budgets);
  // Statements whose generic plan serves any of their values (as-of pages by id) run on the primary
  // over a small pool whose sessions always take it (engine/read/generic-plan.ts): one round
  // trip each, and however many people read the past at once, they hold at most these connections.
  const genericPool = new PoolOf({ ...served, password: served.password, max: 3, min: 0, options: [served.options, '-c plan_cache_mode=force_generic_plan'].filter(Boolean).join(' ') });
  genericPool.on('error', (error) => console.warn(`generic plans pool: ${error.message}`));
  const engine = new ResourceEngine(db.pool, resolveResources(db.orm.getMetadata().getAll().values()), { exactCountBelow: config.exactCountBelow, reads: db.reads, exportPool, genericPool, sortIndexes: await loadSortIndexes(db.pool) });
  const budgets = requestBudgets(config.budgets);
  const systemUser = await ensureSystemUser(db.pool);
  await ensureAccessLogPermissionsAt(db.pool, systemUser);
  await syncPermissionMatrix(db.pool, engine.resources.values(), systemUser);
  // The matrix is read over a connection of its own: a write's transaction checks its session
  // (and so may read a new matrix) while it holds a serving connection, and a full pool of such
  // writes must not wait for a connection that only one of them could give back.
  const matrixPool = new PoolOf({ ...served, password: served.password, max: 1, min: 0 });
  matrixPool.on('error', (error) => console.warn(`permission matrix pool: ${error.message}`));
  const permissions = new PermissionCache(matrixPool);
  const warn = (line: string) => console.warn(line);
  const listener = await listenForPermissionChanges(db.url, permissions, warn);
  const files = await createFileStore(config.files);
  // Access records go to the primary over a small pool of their own, whose sessions commit without
  // waiting for the WAL flush unless ACCESS_LOG_SYNCHRONOUS_COMMIT=true (see AppConfig).
  const accessPool = new pg.Pool({
    connectionString: db.url,
    max: 4,
    connectionTimeoutMillis: config.db.acquireTimeoutMs,
    statement_timeout: config.db.statementTimeoutMs,
    options: config.accessLogSynchronousCommit ? undefined : '-c synchronous_commit=off',
    // The ORM pool's type parsers: a show read on this pool (access-log.ts) answers values as every other read does.
    types: (db.pool as unknown as { options: { types?: pg.CustomTypesConfig } }).options.types,
  });
  accessPool.on('error', (error) => warn(`access_log pool: ${error.message}`));
  const sealer = new AuditSealer(db.pool, { everyMs: config.auditSealIntervalMs, batch: 20_000, warn });
  const signingKey = await loadSigningKey(config.auditSigningKey, config.dataDir);
  // Signed chain heads: a removed tail of either log shows (server/audit/checkpoints.ts).
  const checkpoints = new AuditCheckpoints(db.pool, signingKey, { dir: config.auditArchiveDir, everyMs: config.auditCheckpointIntervalMs, warn });
  const maintenance = new AuditMaintenance(db.pool, {
    seal: async () => {
      await sealer.catchUp();
      await checkpoints.sign();
    },
    ahead: config.auditPartitionsAhead,
    keepMonths: config.auditRetentionMonths,
    archiveDir: config.auditArchiveDir,
    everyMs: 6 * 3600_000,
    warn,
    afterRetention: async () => {
      const purged = await purgeDiscardedFiles(db.pool, files);
      return purged.length ? `documents: removed the bytes of ${purged.length} deleted documents whose deletion can no longer be undone` : null;
    },
  });
  await maintenance.start();
  sealer.start();
  checkpoints.start();
  const limiter = new LoginLimiter(db.pool, { ...config.loginLimits, windowSeconds: 15 * 60 });
  const auth = new AuthService(db.pool, await loadJwtSecret(config.jwtSecret, config.dataDir), permissions, limiter, engine.resources, {
    mfaPolicy: parseMfaPolicy(config.mfaRequiredRoles),
    idleSeconds: config.sessionIdleSeconds,
    oidcProviders: parseOidcProviders(config.oidcProviders),
    mfaSecretKey: config.mfaSecretKey,
  });
  const documents = new Documents(engine, files, config.files);
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    // A client that trickles its headers or body (slowloris) is cut off instead of holding a socket:
    // Node checks these every second rather than its default 30.
    requestTimeout: config.http.requestTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    trustProxy: config.trustProxy,
    connectionTimeout: 30_000,
    http: { headersTimeout: config.http.headersTimeoutMs, connectionsCheckingInterval: 1_000 },
    // Requests Node cannot even parse (a lying Content-Length) get the product's error shape too.
    // A client too slow to send its request gets 408 the same way.
    clientErrorHandler: (error: NodeJS.ErrnoException, socket) => {
      const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
      const body = JSON.stringify(timedOut ? { code: 'REQUEST_TIMEOUT', message: 'The request took too long to arrive' } : { code: 'BAD_REQUEST', message: 'The request is malformed' });
      const status = timedOut ? '408 Request Timeout' : '400 Bad Request';
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    },
  });
  const nest = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ db, config, engine, auth, documents, budgets, access: new AccessLog(accessPool), signingKey, figures }),
    adapter,
    { logger: process.env.LOG_LEVEL === 'debug' ? ['error', 'warn', 'log', 'debug'] : ['error', 'warn'], bodyParser: false },
  );
  const fastify = nest.getHttpAdapter().getInstance();
  sendMatrixVersion(fastify, auth);
  // JSON bodies: an empty one (a bodyless POST or DELETE sent as JSON) is no body, and JSON.parse
  // (which never touches prototypes) keeps a "__proto__" key as an ordinary, refusable field.
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, text, done) => {
    const body = String(text);
    if (body.trim() === '') return done(null, undefined);
    const parsed = parseJsonText(body);
    if (parsed) done(null, parsed.value);
    else done(new AppError('BAD_REQUEST', `The body is not valid JSON, or nests deeper than ${MAX_JSON_DEPTH} levels`), undefined);
  });
  // Security headers on every answer. The console needs inline styles (MUI's emotion) and blob:
  // frames and images (document previews); everything else comes from this origin only.
  // Built once: @fastify/helmet would rebuild the middleware (and parse the CSP) on every request.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'", 'blob:'],
        fontSrc: ["'self'", 'data:'],
        frameSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    // The API and console are served over plain HTTP on loopback in development; HSTS is the
    // TLS-terminating proxy's business.
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  });
  nest.getHttpAdapter().getInstance().addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)));
  // Uploads (POST /api/<resource>/<id>/files): parsed as a stream by the route, within its own limits.
  await nest.register(fastifyMultipart as never, { limits: { fileSize: config.files.maxBytes, files: 1 } });
  nest.enableCors({
    origin: config.corsOrigins,
    exposedHeaders: ['Content-Range', 'X-Total-Approximate', 'ETag', 'Retry-After', MATRIX_VERSION_HEADER],
    allowedHeaders: ['Content-Type', 'Authorization', 'Range', 'X-Change-Reason', 'If-Match'],
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
  });
  const swaggerDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  await nest.register(fastifyStatic, { root: swaggerDir, prefix: '/api/docs/assets/', decorateReply: false, index: false });
  // The console (admin/dist, built by `npm run build`) at `/`; it routes by hash, so index.html is enough.
  const consoleDir = path.resolve('admin/dist');
  if (existsSync(path.join(consoleDir, 'index.html'))) {
    await nest.register(fastifyStatic, { root: consoleDir, prefix: '/', decorateReply: false, wildcard: false });
  }
  fastify.get('/api/docs/assets/init.js', (_req, reply) => {
    void reply.type('application/javascript').send("window.ui = SwaggerUIBundle({ url: '/api/docs-json', dom_id: '#ui' });");
  });
  await nest.listen(config.port, config.host);
  const address = fastify.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    nest,
    engine,
    url: `http://${config.host}:${port}`,
    close: async () => {
      // Closing ends idle keep-alive connections once; one whose response finishes just after (a
      // client that already had all Content-Length bytes) would hold the close for the keep-alive
      // timeout (72 s). Ending idle connections again until the close is done lets it go at once.
      const sweep = setInterval(() => fastify.server.closeIdleConnections(), 100);
      try {
        await nest.close();
      } finally {
        clearInterval(sweep);
      }
      await maintenance.stop();
      await sealer.stop();
      await checkpoints.stop();
      await accessPool.end();
      await listener.close();
      await matrixPool.end();
      await exportPool.end();
      await genericPool.end();
      await figures.close();
    },
  };
}
