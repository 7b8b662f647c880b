import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { authorize, requirePermission } from '../auth/authorize.js';
import type { AccessLog } from '../audit/access-log.js';
import { CHAINS, type Chain } from '../audit/chain.sql.js';
import { buildEvidence, rangeBound as instant, type EvidenceSubject } from '../audit/evidence.js';
import type { SigningKey } from '../audit/signing-key.js';
import type { Caller } from '../engine/caller.js';
import type { Params } from '../engine/plan/sql.js';
import { AppError, notFound } from '../errors/app-error.js';
import { authorizedFor } from './authorized.js';
import { ACCESS_LOG, BUDGETS, CONFIG, SIGNING_KEY } from './tokens.js';
import type { AppConfig } from '../config/config.js';
import type { RequestBudgets } from './budget.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';
import { EngineRoutes } from './engine-routes.js';

/**
 * Evidence an auditor can take away: a record's history (its audit events and, for holders of
 * access_log.list, the reads of it), or a date range of either log, as a JSON file with a detached
 * Ed25519 signature. The rows are whole (the hashes are over them), so this needs audit.browse.
 * The answer is `{name, file, signature}`: save `file` as `name` and `signature` as `name.sig`.
 */
@Controller('api')
export class EvidenceController extends EngineRoutes {
  @Inject(SIGNING_KEY) private readonly key!: SigningKey;
  @Inject(ACCESS_LOG) private readonly access!: AccessLog;
  @Inject(BUDGETS) private readonly budgets!: RequestBudgets;
  @Inject(CONFIG) private readonly config!: AppConfig;

  /**
   * An evidence file holds rows whole (the chain's hashes are over them), so it may be taken only by
   * someone who may see every field of the tables it can hold: their sensitive fields too.
   */
  private requireWholeRows(caller: Caller, tables: ResourceMeta[]): void {
    for (const table of tables) {
      const needed = `${table.name}.sensitive`;
      if (table.fields.some((f) => f.sensitive) && !caller.can(needed)) {
        throw new AppError('FORBIDDEN', `Evidence files hold whole rows, sensitive fields included: this one needs the ${needed} permission`);
      }
    }
  }

  @Get('evidence/:log')
  async range(@Param('log') log: string, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest) {
    const caller = await this.callers.resolve(req);
    if (!(CHAINS as readonly string[]).includes(log)) throw notFound(`No log named ${log.slice(0, 40)}`);
    requirePermission(caller, 'audit.browse');
    authorize(caller, this.engine.resource(log), 'export');
    const from = instant(query.from, 'from', false);
    const to = instant(query.to, 'to', true);
    if (from >= to) throw new AppError('BAD_REQUEST', '"from" must be before "to"', { to: 'must be after from' });
    this.requireWholeRows(caller, [...this.engine.resources.values()]);
    const out = await this.budgets.evidence.run(caller.userId, () => this.build(caller, { kind: 'range', log: log as Chain, from, to }, [log as Chain]));
    const ids = out.evidence.sections[0].events.map((e) => e.event_id);
    await this.access.recordRead(req, caller, this.engine.resource(log), 'export', ids, { occurred_at_gte: from, occurred_at_lt: to });
    return { name: out.name, file: out.file, signature: out.signature, key_id: this.key.keyId };
  }

  @Get(':resource/:id/history/evidence')
  async record(@Param('resource') name: string, @Param('id') rawId: string, @Req() req: FastifyRequest) {
    const { caller, resource } = await authorizedFor(this.callers, this.engine, req, name, 'show');
    requirePermission(caller, 'audit.browse');
    const id = this.engine.parseId(resource, rawId);
    await this.engine.getOne(resource, id, caller);
    const chains: Chain[] = caller.can(`${T.accessLog}.list`) && resource.options.accessLogged ? [T.auditLog, T.accessLog] : [T.auditLog];
    this.requireWholeRows(caller, [resource]);
    const out = await this.budgets.evidence.run(caller.userId, () => this.build(caller, { kind: 'record', resource: resource.name, id }, chains));
    await this.access.recordRead(req, caller, resource, 'history', [id]);
    return { name: out.name, file: out.file, signature: out.signature, key_id: this.key.keyId };
  }

  private async build(caller: Caller, subject: EvidenceSubject, chains: Chain[]) {
    const [me] = caller.userId === null ? [] : await this.engine.query(this.engine.pool, `SELECT nullif(concat_ws(' ', first_name, last_name), '') AS name FROM ${T.users} WHERE id = $1`, [caller.userId]);
    return buildEvidence(this.engine.pool, this.key, {
      archiveDir: this.config.auditArchiveDir,
      subject,
      chains,
      by: { user_id: caller.userId, name: (me?.name as string | null) ?? null },
      scope: (chain: Chain, params: Params) => caller.scope(this.engine.resource(chain), params),
    });
  }
}
