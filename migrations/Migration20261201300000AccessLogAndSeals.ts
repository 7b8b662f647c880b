import { Migration } from '@mikro-orm/migrations';
import { ACCESS_LOG_TABLE_SQL, APPEND_ONLY_GUARD_SQL, LOG_PARTITION_FUNCTION_SQL } from '../server/audit/access-log.sql.js';
import { SEAL_FUNCTION_SQL, SEAL_TABLE_SQL } from '../server/audit/chain.sql.js';

/**
 * The record of access (access_log, partitioned by month like audit_log) and the seals that chain
 * both logs (audit_seal). The rows already in audit_log are sealed here, once: run the upgrade with
 * the writers stopped (as for the partition conversion), or a write committing during it would be
 * reported as inserted out of order. About 20 s per million audit rows on a 2-core machine.
 */
export class Migration20261201300000AccessLogAndSeals extends Migration {
  override up(): void {
    this.addSql(APPEND_ONLY_GUARD_SQL);
    this.addSql(LOG_PARTITION_FUNCTION_SQL);
    this.addSql(ACCESS_LOG_TABLE_SQL);
    this.addSql(`SELECT log_create_partition('access_log', m::date) FROM generate_series(
      date_trunc('month', now() AT TIME ZONE 'UTC'), date_trunc('month', now() AT TIME ZONE 'UTC') + interval '2 months', interval '1 month') AS m;`);
    this.addSql(SEAL_TABLE_SQL);
    this.addSql(SEAL_FUNCTION_SQL);
    // In batches: the function holds a batch's seals in memory before inserting them.
    this.addSql(`DO $$ BEGIN LOOP EXIT WHEN audit_seal_rows('audit_log', NULL, 50000) < 50000; END LOOP; END $$;`);
  }
}
