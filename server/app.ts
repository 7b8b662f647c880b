import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyStatic from '@fastify/static';
import { createRequire } from 'node:module';
import path from 'node:path';
import { existsSync } from 'node:fs';
import type { AppConfig } from './config/config.js';
import type { Database } from './db/database.js';
import { ResourceEngine } from './engine/execute.js';
import { resolveResources } from './engine/metadata/resolve-metadata.js';
import { AuthService } from './auth/auth.service.js';
import { loadJwtSecret } from './auth/jwt.js';
import { LoginLimiter } from './auth/login-limiter.js';
import { PermissionCache } from './auth/permission-cache.js';
import { listenForPermissionChanges } from './auth/permission-listener.js';
import { AuditMaintenance } from './audit/audit-partitions.js';
import { AuthController } from './http/auth.controller.js';
import { syncPermissionMatrix } from './auth/sync-permissions.js';
import { ensureSystemUser } from './db/system-user.js';
import { ErrorFilter } from './http/error.filter.js';
import { AppError } from './errors/app-error.js';
import { HealthController } from './http/health.controller.js';
import { MetaController } from './http/meta.controller.js';
import { ResourcesController } from './http/resources.controller.js';
import { AUTH, CALLER, CONFIG, DATABASE, ENGINE } from './http/tokens.js';

@Module({})
class AppModule {
  static forRoot(providers: { db: Database; config: AppConfig; engine: ResourceEngine; auth: AuthService }): DynamicModule {
    return {
      module: AppModule,
      controllers: [HealthController, AuthController, MetaController, ResourcesController],
      providers: [
        { provide: DATABASE, useValue: providers.db },
        { provide: CONFIG, useValue: providers.config },
        { provide: ENGINE, useValue: providers.engine },
        { provide: CALLER, useValue: providers.auth },
        { provide: AUTH, useValue: providers.auth },
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
  const engine = new ResourceEngine(db.pool, resolveResources(db.orm.getMetadata().getAll().values()), { exactCountBelow: config.exactCountBelow, reads: db.reads });
  await syncPermissionMatrix(db.pool, engine.resources.values(), await ensureSystemUser(db.pool));
  const permissions = new PermissionCache(db.pool);
  engine.onWrite((resource) => {
    if (resource === 'permission_item' || resource === 'permission_category') permissions.invalidate();
  });
  const warn = (line: string) => console.warn(line);
  const listener = await listenForPermissionChanges(db.url, permissions, warn);
  const maintenance = new AuditMaintenance(db.pool, {
    ahead: config.auditPartitionsAhead,
    keepMonths: config.auditRetentionMonths,
    archiveDir: config.auditArchiveDir,
    everyMs: 6 * 3600_000,
    warn,
  });
  await maintenance.start();
  const limiter = new LoginLimiter(db.pool, { ...config.loginLimits, windowSeconds: 15 * 60 });
  const auth = new AuthService(db.pool, await loadJwtSecret(config.jwtSecret, config.dataDir), permissions, limiter, engine.resources);
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    trustProxy: config.trustProxy,
    requestTimeout: 30_000,
    connectionTimeout: 30_000,
    // Requests Node cannot even parse (a lying Content-Length) get the product's error shape too.
    clientErrorHandler: (_error, socket) => {
      const body = JSON.stringify({ code: 'BAD_REQUEST', message: 'The request is malformed' });
      if (socket.writable) socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    },
  });
  const nest = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ db, config, engine, auth }),
    adapter,
    { logger: process.env.LOG_LEVEL === 'debug' ? ['error', 'warn', 'log', 'debug'] : ['error', 'warn'], bodyParser: false },
  );
  const fastify = nest.getHttpAdapter().getInstance();
  // JSON bodies: an empty one (a bodyless POST or DELETE sent as JSON) is no body, and JSON.parse
  // (which never touches prototypes) keeps a "__proto__" key as an ordinary, refusable field.
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, text, done) => {
    const body = String(text);
    if (body.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body));
    } catch {
      done(new AppError('BAD_REQUEST', 'The body is not valid JSON'), undefined);
    }
  });
  nest.enableCors({
    origin: config.corsOrigins,
    exposedHeaders: ['Content-Range', 'X-Total-Approximate'],
    allowedHeaders: ['Content-Type', 'Authorization', 'Range', 'X-Change-Reason'],
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
    async close() {
      await nest.close();
      await maintenance.stop();
      await listener.close();
    },
  };
}
