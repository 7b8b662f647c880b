import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DATABASE } from './tokens.js';
import type { Database } from '../db/database.js';
import { migrationsList } from '../../migrations/index.js';

/**
 * For a load balancer or an orchestrator. /api/health is liveness: the process answers, 200 even
 * while the database is down (so an outage never gets healthy replicas restarted), saying so in `db`. /api/ready is
 * readiness: the primary answers and every migration this build knows is applied; 503 otherwise,
 * so traffic goes elsewhere until it is.
 */
@Controller('api')
export class HealthController {
  /** Once every migration is seen applied it stays so (migrations are never undone by the server). */
  private migrated = false;

  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * Always 200 while the process serves; `db` reports whether the primary answered a probe within a
   * second (a busy pool or an outage reads as down), for people and dashboards, not for restarts.
   */
  @Get('health')
  async health() {
    const probe = this.db.pool.query('SELECT 1').then(() => 'up' as const, () => 'down' as const);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'down'>((resolve) => (timer = setTimeout(() => resolve('down'), 1_000)));
    const db = await Promise.race([probe, late]);
    clearTimeout(timer);
    return { status: 'ok', db };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    try {
      if (this.migrated) {
        await this.db.pool.query('SELECT 1');
      } else {
        const { rows } = await this.db.pool.query<{ name: string }>('SELECT name FROM mikro_orm_migrations');
        const applied = new Set(rows.map((r) => r.name));
        const pending = migrationsList.filter((m) => !applied.has(m.name)).map((m) => m.name);
        if (pending.length) {
          reply.status(503).header('Retry-After', '5');
          return { status: 'not ready', db: 'up', migrations: 'pending', pending };
        }
        this.migrated = true;
      }
      return { status: 'ready', db: 'up', migrations: 'applied' };
    } catch {
      reply.status(503).header('Retry-After', '5');
      return { status: 'not ready', db: 'down' };
    }
  }
}
