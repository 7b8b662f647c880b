import { Migration } from '@mikro-orm/migrations';
import { AUTH_EVENT_TABLE_SQL } from '../server/audit/auth-event.sql.js';
import { AUDIT_FUNCTION_SQL, attachAuditTriggerSql } from '../server/audit/audit-trigger.sql.js';
import { SEAL_CHAIN_CHECK_SQL, SEAL_FUNCTION_SQL } from '../server/audit/chain.sql.js';

/**
 * Sign-ins become authentication events (auth_event, chained in audit_seal like the other logs)
 * instead of "UPDATE User" rows in the audit trail: the audit function learns quiet columns, whose
 * change alone is no record change, and app_user's last_login and user_mfa's last_step (the code a
 * sign-in accepted) become quiet. The sign-ins already in audit_log stay there, as they were.
 */
export class Migration20261202000000AuthEvents extends Migration {
  override up(): void {
    this.addSql(AUTH_EVENT_TABLE_SQL);
    this.addSql(SEAL_CHAIN_CHECK_SQL);
    this.addSql(SEAL_FUNCTION_SQL);
    this.addSql(AUDIT_FUNCTION_SQL);
    this.addSql(attachAuditTriggerSql('app_user', [], ['last_login']));
    this.addSql(attachAuditTriggerSql('user_mfa', ['secret'], ['last_step']));
  }
}
