import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { inUnitOfWork } from '../db/unit-of-work.js';
import { AppError } from '../errors/app-error.js';
import { ROLE_NAMES, roleNamed } from '../schema/roles.js';
import type { PermissionCache } from './permission-cache.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';

/** `kcsos_<id>_<43 characters>`: the id finds the row, the random part is checked against its hash. */
const API_KEY_PATTERN = /^kcsos_(\d{1,9})_([\w-]{43})$/;
const MAX_DAYS = 366;
/** Live (unrevoked, unexpired) keys one user may hold. */
const MAX_LIVE_KEYS = 20;

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

interface KeyOwner {
  id: number;
  role: string;
  districts: string[] | null;
  permissions: Set<string>;
}

/** The service user a presented key acts as, with the scopes it is limited to (null: its role's). */
interface KeyHolder {
  keyId: number;
  userId: number;
  scopes: string[] | null;
}

/**
 * API keys for scripts. Each key is a service user of its own (an app_user row, "API key · <name>"),
 * so its writes are audited under it and its use shows in the audit trail. The key holds a role
 * (the creator's, or another whose permissions are all the creator's) or narrower `resource.action`
 * scopes within it, and is shown once: only a SHA-256 of its random part is kept. It ends at
 * `expires_at`, on revocation, or when its creator is no longer Active.
 */
export class ApiKeys {
  constructor(
    private readonly pool: Pool,
    private readonly permissions: PermissionCache,
  ) {}

  private async granted(role: string): Promise<Set<string>> {
    const { rows } = await this.pool.query(`SELECT version FROM permission_matrix_version`);
    return this.permissions.granted(roleNamed(role), String(rows[0]?.version ?? '0'));
  }

  async create(owner: KeyOwner, body: unknown) {
    const { name, expires_at, scopes, role } = (body ?? {}) as Record<string, unknown>;
    const errors: Record<string, string> = {};
    if (typeof name !== 'string' || !name.trim() || name.length > 100) errors.name = 'is required (at most 100 characters)';
    const expires = typeof expires_at === 'string' && /^\d{4}-\d{2}-\d{2}([T ][\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$/.test(expires_at) ? new Date(expires_at) : null;
    if (!expires || Number.isNaN(expires.getTime())) errors.expires_at = 'is required: an ISO date or timestamp';
    else if (expires.getTime() <= Date.now()) errors.expires_at = 'must be in the future';
    else if (expires.getTime() > Date.now() + MAX_DAYS * 86_400_000) errors.expires_at = `must be within ${MAX_DAYS} days`;
    const keyRole = role === undefined || role === null ? owner.role : role;
    if (typeof keyRole !== 'string' || !ROLE_NAMES.includes(keyRole)) errors.role = `must be one of ${ROLE_NAMES.join(', ')}`;
    if (scopes !== undefined && scopes !== null && (!Array.isArray(scopes) || scopes.length === 0 || scopes.length > 500 || scopes.some((s) => typeof s !== 'string' || !/^[a-z_]+\.[a-z_]+$/.test(s)))) {
      errors.scopes = 'must be a non-empty list of resource.action names';
    }
    if (Object.keys(errors).length) throw new AppError('VALIDATION', 'The key was not created', errors);
    // Nor reach more rows: a scoped creator's key keeps the creator's row scope. A district admin's
    // key as a practitioner ("own" students, any district) could create students of any district.
    const [ownerScope, keyScope] = [roleNamed(owner.role)?.scope, roleNamed(keyRole as string)?.scope];
    if (ownerScope && keyScope !== ownerScope) {
      throw new AppError('FORBIDDEN', `A key cannot reach more than its creator: a ${owner.role}'s key keeps the ${owner.role} role's reach (${roleNamed(owner.role)?.scopeLabel ?? ownerScope}); narrow it with scopes instead`);
    }
    const roleGrants = await this.granted(keyRole as string);
    const beyond = [...roleGrants].filter((p) => !owner.permissions.has(p));
    if (beyond.length) throw new AppError('FORBIDDEN', `A key cannot hold more than its creator: the ${keyRole} role holds ${beyond.slice(0, 3).join(', ')}${beyond.length > 3 ? ', ...' : ''}`);
    const list = scopes ? [...new Set(scopes as string[])].sort() : null;
    const outside = (list ?? []).filter((s) => !roleGrants.has(s));
    if (outside.length) throw new AppError('VALIDATION', 'The key was not created', { scopes: `not held by the ${keyRole} role: ${outside.join(', ')}` });

    // Each key is a service user: a bound on live keys per creator keeps one user from filling the user table.
    const { rows: live } = await this.pool.query(`SELECT count(*)::int AS n FROM ${T.apiKeys} WHERE owner_id = $1 AND revoked_at IS NULL AND expires_at > now()`, [owner.id]);
    if (live[0].n >= MAX_LIVE_KEYS) throw new AppError('CONFLICT', `You have ${MAX_LIVE_KEYS} live API keys, the most one user may hold; revoke one first`);

    const secret = randomBytes(32).toString('base64url');
    const label = (name as string).trim();
    const reason = `API key "${label}" created`;
    const created = await inUnitOfWork(this.pool, { userId: owner.id, reason }, async (tx) => {
      const user = await tx.query<{ id: number }>(
        `INSERT INTO ${T.users} (first_name, last_name, email, role, status, department, districts)
         VALUES ('API key', $1, $2, $3, 'Active', 'API keys', $4) RETURNING id`,
        [label, `api-key-${randomBytes(6).toString('hex')}@service.kcsos.invalid`, keyRole, owner.districts],
      );
      const key = await tx.query<{ id: number; expires_at: string }>(
        `INSERT INTO ${T.apiKeys} (name, secret_hash, owner_id, service_user_id, scopes, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, expires_at`,
        [label, hash(secret), owner.id, user.rows[0].id, list, expires!.toISOString()],
      );
      return { id: key.rows[0].id, serviceUserId: user.rows[0].id, expiresAt: key.rows[0].expires_at };
    });
    return {
      id: created.id,
      name: label,
      // Shown this once.
      key: `kcsos_${created.id}_${secret}`,
      role: keyRole,
      scopes: list,
      expires_at: new Date(created.expiresAt).toISOString(),
      service_user_id: created.serviceUserId,
    };
  }

  /** The caller's keys (every key with permission.manage); never a secret. */
  async list(owner: KeyOwner) {
    const all = owner.permissions.has('permission.manage');
    const { rows } = await this.pool.query(
      `SELECT k.id, k.name, u.role, k.scopes, k.expires_at, k.created_at, k.revoked_at, k.last_used_at, k.owner_id, k.service_user_id
         FROM ${T.apiKeys} k JOIN ${T.users} u ON u.id = k.service_user_id WHERE $1 OR k.owner_id = $2 ORDER BY k.id`,
      [all, owner.id],
    );
    return rows;
  }

  /** Revokes a key (its creator, or anyone with permission.manage); its service user is set Inactive. */
  async revoke(owner: KeyOwner, keyId: number): Promise<void> {
    const { rows } = await this.pool.query(`SELECT owner_id, name, service_user_id, revoked_at FROM ${T.apiKeys} WHERE id = $1`, [keyId]);
    const key = rows[0];
    if (!key || (key.owner_id !== owner.id && !owner.permissions.has('permission.manage'))) throw new AppError('NOT_FOUND', `API key ${keyId} not found`);
    if (key.revoked_at) return;
    await inUnitOfWork(this.pool, { userId: owner.id, reason: `API key "${key.name}" revoked` }, async (tx) => {
      await tx.query(`UPDATE ${T.apiKeys} SET revoked_at = now() WHERE id = $1`, [keyId]);
      await tx.query(`UPDATE ${T.users} SET status = 'Inactive' WHERE id = $1`, [key.service_user_id]);
    });
  }

  /** The service user a presented key acts as, or null (unknown, wrong, expired, revoked, creator inactive). */
  async holder(token: string): Promise<KeyHolder | null> {
    const m = API_KEY_PATTERN.exec(token);
    if (!m) return null;
    const { rows } = await this.pool.query({
      name: 'api-key-check',
      text: `SELECT k.id, k.service_user_id, k.scopes, (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute') AS stale
               FROM ${T.apiKeys} k JOIN ${T.users} o ON o.id = k.owner_id
              WHERE k.id = $1 AND k.secret_hash = $2 AND k.revoked_at IS NULL AND k.expires_at > now()
                AND coalesce(o.status, 'Active') = 'Active'`,
      values: [Number(m[1]), hash(m[2])],
    });
    // Key use shows in the audit trail: last_used_at is written (at most once a minute) as an
    // audited change by the key's service user.
    if (rows[0]?.stale) {
      await inUnitOfWork(this.pool, { userId: rows[0].service_user_id, reason: 'API key used' }, (tx) =>
        tx.query(`UPDATE ${T.apiKeys} SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [rows[0].id]),
      );
    }
    return rows[0] ? { keyId: rows[0].id, userId: rows[0].service_user_id, scopes: rows[0].scopes } : null;
  }
}
