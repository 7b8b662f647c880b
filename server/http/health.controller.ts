import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DATABASE } from './tokens.js';
import type { Database } from '../db/database.js';

@Controller('api')
export class HealthController {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Liveness plus a one-statement database probe; 503 while the database is unreachable. */
  @Get('health')
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    try {
      await this.db.pool.query('SELECT 1');
      return { status: 'ok', db: 'up' };
    } catch {
      reply.status(503).header('Retry-After', '5');
      return { status: 'degraded', db: 'down' };
    }
  }
}
