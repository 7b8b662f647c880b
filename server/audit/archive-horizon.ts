import type { ResourceEngine } from '../engine/execute.js';
import type { ResourceMeta } from '../engine/metadata/resource-meta.js';
import { Params } from '../engine/plan/sql.js';
import { AppError } from '../errors/app-error.js';
import { momentSql, type Moment } from './as-of.query.js';
import { CHAINS, type Chain } from './chain.sql.js';

/**
 * How far back time travel can answer. A record's state at a moment is read forwards from the
 * moment (server/audit/as-of.query.ts), so it needs every event after it. Once retention has
 * archived a month (server/audit/audit-partitions.ts records it in `audit_archive`), a moment
 * before that month's last event would be answered without the archived events: wrong for every
 * record they changed. Such a moment is refused (410) with the earliest moment that can be
 * answered. A month loaded back into the log (its partition exists again) no longer counts.
 */

/** The log whose events answer a resource as of a moment: its own for the append-only logs. */
function logOf(resource: ResourceMeta): Chain {
  return resource.options.appendOnlyAt && (CHAINS as readonly string[]).includes(resource.name) ? (resource.name as Chain) : 'audit_log';
}

/**
 * The time of the newest archived event of a log (ISO, UTC; null when nothing is archived), and
 * whether the moment, when given, is before it.
 */
export async function archivedUntil(engine: ResourceEngine, log: Chain, moment?: Moment): Promise<{ until: string | null; older: boolean }> {
  const params = new Params();
  const older = moment ? `bool_or(${momentSql(moment, params)} < last_occurred_at)` : 'false';
  const [row] = await engine.query(
    engine.pool,
    `SELECT to_char(max(last_occurred_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS until, coalesce(${older}, false) AS older
       FROM audit_archive WHERE chain = ${params.add(log, 'text')} AND to_regclass(quote_ident(partition)) IS NULL`,
    params.values,
  );
  return { until: (row?.until as string | null) ?? null, older: row?.older === true };
}

/** Until when the audited tables' history is archived (null: none is): the versions listed start after it. */
export async function historyArchivedUntil(engine: ResourceEngine): Promise<string | null> {
  return (await archivedUntil(engine, 'audit_log')).until;
}

/** 410 when the moment is before the newest archived event of the resource's log. */
export async function assertAnswerable(engine: ResourceEngine, resource: ResourceMeta, moment: Moment): Promise<void> {
  const { until, older } = await archivedUntil(engine, logOf(resource), moment);
  if (older) throw archivedMoment(moment.text, until!);
}

function archivedMoment(asked: string, until: string): AppError {
  return new AppError(
    'GONE',
    `${asked} is before the audit months archived under retention (AUDIT_RETENTION_MONTHS): their events are in the archive files, no longer in the log. Moments from ${until} on can be answered; load the archived months back to go further.`,
    { as_of: `from ${until} on` },
    { answerable_from: until },
  );
}

/** An event id that names an event of an archived month: 410 saying so (compare, restore by event). */
export async function assertEventNotArchived(engine: ResourceEngine, eventId: number): Promise<void> {
  const { until } = await archivedUntil(engine, 'audit_log');
  if (!until) return;
  const [row] = await engine.query(engine.pool, `SELECT occurred_at FROM audit_seal WHERE chain = 'audit_log' AND event_id = $1 AND occurred_at <= $2::timestamptz`, [eventId, until]);
  if (!row) return;
  throw new AppError(
    'GONE',
    `Event ${eventId} is in an audit month archived under retention: it is in the archive files, no longer in the log. Versions from ${until} on can be compared and restored.`,
    { event: `an event after ${until}` },
    { answerable_from: until },
  );
}
