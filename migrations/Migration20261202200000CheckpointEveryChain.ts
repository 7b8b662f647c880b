import { Migration } from '@mikro-orm/migrations';
import { CHAINS } from '../server/audit/chain.sql.js';

/**
 * Signed chain heads of every chained log: the checkpoints' check named only the audit and access
 * logs, so the sign-in log's heads (auth_event, chained since the same day) were refused.
 */
export class Migration20261202200000CheckpointEveryChain extends Migration {
  override up(): void {
    this.addSql(`ALTER TABLE audit_checkpoint DROP CONSTRAINT audit_checkpoint_chain_check,
      ADD CONSTRAINT audit_checkpoint_chain_check CHECK (chain IN (${CHAINS.map((c) => `'${c}'`).join(', ')}))`);
  }
}
