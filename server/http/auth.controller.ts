import { Body, Controller, Delete, Get, HttpCode, Inject, Logger, Param, Post, Redirect, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService } from '../auth/auth.service.js';
import { describeSignedIn, keyOwner } from '../auth/authenticated.js';
import { notFound } from '../errors/app-error.js';
import { changeReason, jsonBody } from './request-context.js';
import { AUTH } from './tokens.js';
import { SYSTEM_TABLES as T } from '../../contract/system-tables.js';

@Controller('api')
export class AuthController {
  constructor(@Inject(AUTH) private readonly auth: AuthService) {}

  @Post('auth/login')
  @HttpCode(200)
  login(@Body() body: unknown, @Req() req: FastifyRequest) {
    return this.auth.login(jsonBody(req, body), req.ip);
  }

  /** The single sign-on providers, for the console's "Sign in with ..." buttons (no token needed). */
  @Get('auth/oidc/providers')
  oidcProviders() {
    return this.auth.oidc.list();
  }

  /** Starts single sign-on: to the provider's sign-in page. */
  @Get('auth/oidc/:provider/start')
  @Redirect()
  async oidcStart(@Param('provider') provider: string, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { url, cookie } = await this.auth.oidc.start(req, provider);
    reply.header('set-cookie', cookie);
    return { url, statusCode: 302 };
  }

  /** The provider sends the browser back here: on to the console with a one-time ticket, or the reason. */
  @Get('auth/oidc/:provider/callback')
  @Redirect()
  async oidcCallback(@Param('provider') provider: string, @Req() req: FastifyRequest) {
    const outcome = await this.auth.oidc.callback(req, provider, (line) => Logger.warn(line, 'sso'));
    // A refusal at the callback is a failed sign-in too (the provider's or ours), recorded as one.
    if ('error' in outcome) await this.auth.signIns.refused({ method: 'single sign-on', provider, address: req.ip ?? null, email: null, detail: outcome.error });
    const query = 'ticket' in outcome ? `sso_ticket=${outcome.ticket}` : `sso_error=${encodeURIComponent(outcome.error)}`;
    return { url: `/?${query}`, statusCode: 302 };
  }

  /** `{ticket, code?}`: the console trades the ticket for a session; answers as /auth/login does. */
  @Post('auth/oidc/complete')
  @HttpCode(200)
  oidcComplete(@Body() body: unknown, @Req() req: FastifyRequest) {
    return this.auth.completeSso(req, jsonBody(req, body));
  }

  /** Who is signed in, their role and every permission they hold (the console mirrors these). */
  @Get('auth/me')
  async me(@Req() req: FastifyRequest) {
    return describeSignedIn(await this.auth.authenticate(req), this.auth.idleSeconds);
  }

  @Post('auth/logout')
  @HttpCode(204)
  async logout(@Req() req: FastifyRequest) {
    await this.auth.logout(req);
  }

  /** "Stay signed in": marks the session used now (automatic logoff counts from its last use). */
  @Post('auth/keepalive')
  @HttpCode(200)
  keepAlive(@Req() req: FastifyRequest) {
    return this.auth.keepAlive(req);
  }

  /** Change one's own password: `{current, password}`; answers a fresh token (older sessions end). */
  @Post('auth/password')
  @HttpCode(200)
  password(@Body() body: unknown, @Req() req: FastifyRequest) {
    return this.auth.setPassword(req, null, jsonBody(req, body));
  }

  /** Start a TOTP setup: `{secret, otpauth_url, qr_code}` (not in force until confirmed). */
  @Post('auth/mfa/setup')
  @HttpCode(200)
  mfaSetup(@Req() req: FastifyRequest) {
    return this.auth.mfa.setup(req);
  }

  /** `{code}`: enables the second factor; answers ten recovery codes, shown this once. */
  @Post('auth/mfa/confirm')
  @HttpCode(200)
  mfaConfirm(@Body() body: unknown, @Req() req: FastifyRequest) {
    return this.auth.mfa.confirm(req, jsonBody(req, body));
  }

  /** `{code}`: turns one's own second factor off (refused where the role requires one). */
  @Post('auth/mfa/disable')
  @HttpCode(204)
  async mfaDisable(@Body() body: unknown, @Req() req: FastifyRequest) {
    await this.auth.mfa.disable(req, jsonBody(req, body));
  }

  /** An administrator resets another user's second factor (permission.manage), with a reason. */
  @Post(`${T.users}/:id/mfa/reset`)
  @HttpCode(204)
  async mfaReset(@Param('id') id: string, @Body() body: unknown, @Req() req: FastifyRequest) {
    if (!/^\d{1,9}$/.test(id)) throw notFound(`User ${id.slice(0, 20)} not found`);
    const given = (body as Record<string, unknown> | undefined)?.reason;
    await this.auth.mfa.reset(req, Number(id), changeReason(req) ?? (typeof given === 'string' ? given : null));
  }

  /** `{name, expires_at, scopes?, role?}`: a key for scripts, acting as a service user of its own; the key is in this answer only. */
  @Post('auth/keys')
  @HttpCode(201)
  async createKey(@Body() body: unknown, @Req() req: FastifyRequest) {
    return this.auth.keys.create(keyOwner(await this.auth.authenticate(req)), jsonBody(req, body));
  }

  @Get('auth/keys')
  async listKeys(@Req() req: FastifyRequest) {
    return this.auth.keys.list(keyOwner(await this.auth.authenticate(req)));
  }

  @Delete('auth/keys/:id')
  @HttpCode(204)
  async revokeKey(@Param('id') id: string, @Req() req: FastifyRequest) {
    if (!/^\d{1,9}$/.test(id)) throw notFound(`API key ${id.slice(0, 20)} not found`);
    await this.auth.keys.revoke(keyOwner(await this.auth.authenticate(req)), Number(id));
  }

  /** Set another user's password (permission.manage): `{password}`. */
  @Post(`${T.users}/:id/password`)
  @HttpCode(204)
  async reset(@Param('id') id: string, @Body() body: unknown, @Req() req: FastifyRequest) {
    if (!/^\d{1,9}$/.test(id)) throw notFound(`User ${id.slice(0, 20)} not found`);
    await this.auth.setPassword(req, Number(id), jsonBody(req, body));
  }
}
