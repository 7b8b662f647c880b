import { ROLE_NAMES } from '../schema/roles.js';

/** One OpenID Connect identity provider (a district's Google Workspace or Microsoft Entra tenant). */
export interface OidcProviderConfig {
  /** URL-safe name: `/api/auth/oidc/<id>/start`. */
  id: string;
  /** Shown on the button: "Sign in with <name>". */
  name: string;
  issuer: string;
  client_id: string;
  client_secret: string;
  /** E-mail domains accepted from this provider (the district's); an e-mail elsewhere is refused. */
  domains: string[];
  /**
   * Believe the provider's `amr` claim: when it says a second factor was used (mfa, otp, hwk, swk,
   * fpt, face, sc), ours is not asked for. Off by default: our own second factor then applies.
   */
  trust_amr: boolean;
  /**
   * Create an account for a verified e-mail of an allowed domain that has none, with this role (and
   * districts), instead of refusing it. Off (null) by default: an administrator creates accounts.
   */
  create_accounts: { role: string; districts: string[] } | null;
}

/** OIDC_PROVIDERS: a JSON list of providers. A bad entry stops the boot, never a sign-in. */
export function parseOidcProviders(value: string | undefined): OidcProviderConfig[] {
  if (!value?.trim()) return [];
  let list: unknown;
  try {
    list = JSON.parse(value);
  } catch {
    throw new Error('OIDC_PROVIDERS must be a JSON list of {id, name, issuer, client_id, client_secret, domains}');
  }
  if (!Array.isArray(list)) throw new Error('OIDC_PROVIDERS must be a JSON list');
  const ids = new Set<string>();
  return list.map((p: Record<string, unknown>, i) => {
    const where = `OIDC_PROVIDERS[${i}]`;
    const text = (k: string) => {
      if (typeof p?.[k] !== 'string' || !(p[k] as string).trim()) throw new Error(`${where}.${k} is required`);
      return (p[k] as string).trim();
    };
    const id = text('id');
    if (!/^[a-z0-9-]{1,40}$/.test(id) || ids.has(id)) throw new Error(`${where}.id must be unique lowercase letters, digits and dashes`);
    ids.add(id);
    const issuer = text('issuer');
    let url: URL;
    try {
      url = new URL(issuer);
    } catch {
      throw new Error(`${where}.issuer is not a URL`);
    }
    if (url.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`${where}.issuer must use https (plain http only on loopback)`);
    const domains = p.domains;
    if (!Array.isArray(domains) || domains.length === 0 || domains.some((d) => typeof d !== 'string' || !/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(d))) {
      throw new Error(`${where}.domains must list the accepted e-mail domains`);
    }
    const create = p.create_accounts as Record<string, unknown> | undefined | null;
    let create_accounts: OidcProviderConfig['create_accounts'] = null;
    if (create !== undefined && create !== null) {
      if (typeof create !== 'object' || typeof create.role !== 'string' || !ROLE_NAMES.includes(create.role)) throw new Error(`${where}.create_accounts.role must be one of ${ROLE_NAMES.join(', ')}`);
      const districts = create.districts ?? [];
      if (!Array.isArray(districts) || districts.some((d) => typeof d !== 'string' || !d.trim())) throw new Error(`${where}.create_accounts.districts must list district names`);
      create_accounts = { role: create.role as string, districts: districts as string[] };
    }
    return { id, name: text('name'), issuer, client_id: text('client_id'), client_secret: text('client_secret'), domains: domains.map((d) => d.toLowerCase()), trust_amr: p.trust_amr === true, create_accounts };
  });
}
