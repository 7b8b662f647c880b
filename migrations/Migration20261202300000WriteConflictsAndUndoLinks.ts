import { Migration } from '@mikro-orm/migrations';
import { CHAINS, SEAL_CHAIN_CHECK_SQL, SEAL_FUNCTION_SQL } from '../server/audit/chain.sql.js';
import { WRITE_CONFLICT_TABLE_SQL } from '../server/audit/write-conflict.sql.js';
import { AUDIT_UNDO_BACKFILL_SQL, AUDIT_UNDO_TABLE_SQL } from '../server/audit/audit-undo.sql.js';

/**
 * Writes refused because the record changed since it was read become events (write_conflict,
 * server/audit/write-conflict.sql.ts), chained like the other logs: the seals' and the signed
 * chain heads' checks name the new chain, and the sealer learns its canonical form. And undos
 * name what they undid (audit_undo, server/audit/audit-undo.sql.ts), the older ones read once
 * from their reasons' marks.
 */
export class Migration20261202300000WriteConflictsAndUndoLinks extends Migration {
  override up(): void {
    this.addSql(WRITE_CONFLICT_TABLE_SQL);
    this.addSql(AUDIT_UNDO_TABLE_SQL);
    this.addSql(AUDIT_UNDO_BACKFILL_SQL);
    // The undo figure now reads the events' transaction: the figures' index holds it too.
    this.addSql(`drop index "audit_log_occurred_at_figures_index";`);
    this.addSql(`create index "audit_log_occurred_at_figures_index" on "audit_log" ("occurred_at") include ("table_name", "user_id", "reason", "txid");`);
    this.addSql(SEAL_CHAIN_CHECK_SQL);
    this.addSql(SEAL_FUNCTION_SQL);
    this.addSql(`ALTER TABLE audit_checkpoint DROP CONSTRAINT audit_checkpoint_chain_check,
      ADD CONSTRAINT audit_checkpoint_chain_check CHECK (chain IN (${CHAINS.map((c) => `'${c}'`).join(', ')}))`);
  }
}
