import { Controller, Get, Param, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { authorize } from '../auth/authorize.js';
import { Params } from '../engine/plan/sql.js';
import { serializeValue } from '../engine/types/column-types.js';
import { visibleFilter } from '../engine/filter/visible-filter.js';
import { notFound } from '../errors/app-error.js';
import { authorizedFor } from './authorized.js';
import { EngineRoutes } from './engine-routes.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';

/** One read of a record, as its "Accessed by" tab shows it. */
export interface RecordAccess {
  id: number;
  user_id: number;
  user_name: string | null;
  action: string;
  occurred_at: string;
  client_address: string | null;
  /** How many records the same answer held (1 for a show, the page size for a list). */
  records: number;
  filter: unknown;
}

/**
 * "Who has seen this record": the access_log rows naming it, newest first. Needs
 * `access_log.list` (within its row scope) and the record itself in reach (404 otherwise).
 */
@Controller('api')
export class AccessController extends EngineRoutes {
  @Get(':resource/:id/accesses')
  async accesses(@Param('resource') name: string, @Param('id') rawId: string, @Req() req: FastifyRequest): Promise<RecordAccess[]> {
    const { caller, resource } = await authorizedFor(this.callers, this.engine, req, name, 'show');
    if (!resource.options.accessLogged) throw notFound(`${resource.label} are not access-logged`);
    const log = this.engine.resource(T.accessLog);
    authorize(caller, log, 'list');
    const id = this.engine.parseId(resource, rawId);
    await this.engine.getOne(resource, id, caller);
    const params = new Params();
    const where = [`table_name = ${params.add(resource.name, 'text')}`, `record_ids @> ARRAY[${params.add(id, 'bigint')}]`];
    const scope = caller.scope(log, params);
    if (scope) where.push(`(${scope})`);
    const rows = await this.engine.query(
      this.engine.pool,
      `SELECT l.id, l.user_id, nullif(concat_ws(' ', u.first_name, u.last_name), '') AS user_name, l.action, l.occurred_at,
              l.client_address, cardinality(l.record_ids) AS records, l.filter
         FROM (SELECT * FROM ${T.accessLog} WHERE ${where.join(' AND ')}) l LEFT JOIN ${T.users} u ON u.id = l.user_id
        ORDER BY l.occurred_at DESC, l.id DESC LIMIT 1000`,
      params.values,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      user_id: Number(r.user_id),
      user_name: (r.user_name as string | null) ?? null,
      action: String(r.action),
      occurred_at: serializeValue({ type: 'timestamp' } as never, r.occurred_at) as string,
      client_address: (r.client_address as string | null) ?? null,
      records: Number(r.records),
      filter: visibleFilter(resource, r.filter ?? null, caller),
    }));
  }
}
