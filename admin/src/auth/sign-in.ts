import { API } from '../data/http';

/** What POST /api/auth/login answers, or its refusal (`code`: MFA_REQUIRED, MFA_INVALID, ...). */
export interface SignInAnswer {
  ok: boolean;
  status: number;
  body: { token?: string; mfa_enrolment_required?: boolean; code?: string; message?: string; [k: string]: unknown };
}

export async function postJson(path: string, body: unknown, token?: string): Promise<SignInAnswer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${API}${path}`, { method: 'POST', headers, body: JSON.stringify(body ?? {}) });
  return { ok: res.ok, status: res.status, body: await res.json().catch(() => ({})) };
}

export const signInRequest = (email: string, password: string, code?: string) => postJson('/auth/login', code ? { email, password, code } : { email, password });
