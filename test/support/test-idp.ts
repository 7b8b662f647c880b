import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, decodeJwt } from 'jose';
import Provider from 'oidc-provider';

/**
 * A real OpenID provider (oidc-provider) on 127.0.0.1, for single sign-on tests. It listens behind
 * a small proxy that can rewrite the ID token of the next token answer (re-signed with the
 * provider's own key), to play a provider that names another audience or nonce.
 *
 * Accounts: the login typed on its page is the e-mail; `unverified:<e-mail>` has email_verified false.
 */
export interface TestIdp {
  issuer: string;
  /** Rewrites the claims of ID tokens while set. */
  tamper: ((claims: Record<string, unknown>) => Record<string, unknown>) | null;
  /** Seconds an authorization code lives (60 unless a test shortens it). */
  codeTtl: number;
  /** Holds the provider's redirect back to the relying party (carrying the code) this long. */
  holdRedirectMs: number;
  /** Registers the relying party (the app, once its URL is known) and starts the provider. */
  start(clientId: string, clientSecret: string, redirectUris: string[]): Promise<void>;
  close(): Promise<void>;
}

const listen = (server: http.Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
const close = (server: http.Server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));

export async function testIdp(): Promise<TestIdp> {
  const front = http.createServer();
  const port = await listen(front);
  const issuer = `http://127.0.0.1:${port}`;
  const back = http.createServer();
  let backPort = 0;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', use: 'sig', alg: 'RS256' };

  const idp: TestIdp = {
    issuer,
    tamper: null,
    codeTtl: 60,
    holdRedirectMs: 0,
    async start(clientId, clientSecret, redirectUris) {
      const provider = new Provider(issuer, {
        clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: redirectUris, grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_post' }],
        jwks: { keys: [jwk] },
        cookies: { keys: ['test-cookie-key-test-cookie-key'] },
        claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
        pkce: { required: () => true },
        ttl: { AuthorizationCode: () => idp.codeTtl, Session: 600, Interaction: 600, Grant: 600, IdToken: 600, AccessToken: 600 },
        async findAccount(_ctx: unknown, id: string) {
          const unverified = id.startsWith('unverified:');
          const email = unverified ? id.slice('unverified:'.length) : id;
          return { accountId: id, claims: async () => ({ sub: id, email, email_verified: !unverified, name: email }) };
        },
      });
      back.on('request', provider.callback());
      backPort = await listen(back);
    },
    async close() {
      await close(front);
      await close(back);
    },
  };

  // The proxy: everything to the provider as it is, except ID tokens while `tamper` is set.
  front.on('request', (req, res) => {
    const upstream = http.request({ host: '127.0.0.1', port: backPort, method: req.method, path: req.url, headers: req.headers }, async (answer) => {
      if (idp.holdRedirectMs && String(answer.headers.location ?? '').includes('code=')) await new Promise((r) => setTimeout(r, idp.holdRedirectMs));
      if (!idp.tamper || !req.url?.startsWith('/token') || answer.statusCode !== 200) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      for await (const c of answer) chunks.push(c as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString());
      const claims = idp.tamper(decodeJwt(body.id_token) as Record<string, unknown>);
      body.id_token = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-key', typ: 'JWT' }).sign(privateKey);
      const text = JSON.stringify(body);
      const headers = { ...answer.headers, 'content-length': String(Buffer.byteLength(text)) };
      delete headers['transfer-encoding'];
      res.writeHead(200, headers);
      res.end(text);
    });
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  return idp;
}
