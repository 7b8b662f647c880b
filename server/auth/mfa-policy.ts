import { ROLE_NAMES } from '../schema/roles.js';

/**
 * Which roles must sign in with a second factor. `null` is the default: every role that holds
 * `permission.manage` or any `<resource>.sensitive` in the matrix as stored (so granting a role
 * sensitive data also makes it need a second factor). Otherwise the roles named by
 * MFA_REQUIRED_ROLES.
 */
export type MfaPolicy = ReadonlySet<string> | null;

/** MFA_REQUIRED_ROLES: unset or `default`, `none`, `all`, or role names (`Admin,Support`). A wrong name stops the boot. */
export function parseMfaPolicy(value: string | undefined): MfaPolicy {
  const v = value?.trim() ?? '';
  if (v === '' || v === 'default') return null;
  if (v === 'none') return new Set();
  if (v === 'all') return new Set(ROLE_NAMES);
  const names = v.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !ROLE_NAMES.includes(n));
  if (unknown.length) throw new Error(`MFA_REQUIRED_ROLES names no role ${unknown.join(', ')} (roles: ${ROLE_NAMES.join(', ')})`);
  return new Set(names);
}

export function mfaRequired(policy: MfaPolicy, role: string, permissions: ReadonlySet<string>): boolean {
  if (policy) return policy.has(role);
  if (permissions.has('permission.manage')) return true;
  for (const p of permissions) if (p.endsWith('.sensitive')) return true;
  return false;
}
