/**
 * The tables the product itself needs, whatever schema it serves: who may sign in and how, the
 * permission matrix, the audit and access logs. The one place generic code (server/engine,
 * server/auth, server/http, admin/src) may name a table; every other table is reached through its
 * declarations (test/api/table-names.spec.ts holds this).
 */
export const SYSTEM_TABLES = {
  users: 'app_user',
  credentials: 'user_credential',
  sessions: 'auth_session',
  secondFactors: 'user_mfa',
  recoveryCodes: 'mfa_recovery_code',
  apiKeys: 'api_key',
  ssoLogins: 'oidc_login',
  signInLimits: 'login_rate_limit',
  permissions: 'permission_item',
  permissionAreas: 'permission_category',
  auditLog: 'audit_log',
  accessLog: 'access_log',
  /** Which undo undid which event or change set (server/audit/audit-undo.sql.ts). */
  undoLinks: 'audit_undo',
  /** Sign-ins and sign-outs (append-only, chained like the logs). */
  authEvents: 'auth_event',
  /** Writes refused because the record changed since it was read (append-only, chained). */
  writeConflicts: 'write_conflict',
  /** The documents module's file records (server/files). */
  documents: 'file_metadata',
} as const;
