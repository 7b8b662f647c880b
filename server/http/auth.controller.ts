import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuthService } from '../auth/auth.service.js';
import { notFound } from '../errors/app-error.js';
import { jsonBody } from './request-context.js';
import { AUTH } from './tokens.js';

@Controller('api')
export class AuthController {
  constructor(@Inject(AUTH) private readonly auth: AuthService) {}

  @Post('auth/login')
  @HttpCode(200)
  login(@Body() body: unknown, @Req() req: FastifyRequest) {
    return this.auth.login(jsonBody(req, body), req.ip);
  }

  /** Who is signed in, their role and every permission they hold (the console mirrors these). */
  @Get('auth/me')
  async me(@Req() req: FastifyRequest) {
    return this.auth.describe(await this.auth.authenticate(req));
  }

  @Post('auth/logout')
  @HttpCode(204)
  async logout(@Req() req: FastifyRequest) {
    await this.auth.logout(req);
  }

  /** Change one's own password: `{current, password}`; answers a fresh token (older sessions end). */
  @Post('auth/password')
  @HttpCode(200)
  password(@Body() body: unknown, @Req() req: FastifyRequest) {
    return this.auth.setPassword(req, null, jsonBody(req, body));
  }

  /** Set another user's password (permission.manage): `{password}`. */
  @Post('app_user/:id/password')
  @HttpCode(204)
  async reset(@Param('id') id: string, @Body() body: unknown, @Req() req: FastifyRequest) {
    if (!/^\d{1,9}$/.test(id)) throw notFound(`User ${id.slice(0, 20)} not found`);
    await this.auth.setPassword(req, Number(id), jsonBody(req, body));
  }
}
