import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ChangePasswordInputSchema, LoginInputSchema } from '@handoff/contracts';
import { ForbiddenError } from '../common/domain-errors';
import { parseOrBadRequest } from '../common/validation';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { AuthGuard } from './auth.guard';
import { clientAddress } from './client-address';
import { CurrentPrincipal, type Principal } from './principal';
import { Public } from './public.decorator';
import { ReviewersService } from './reviewers.service';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from './session-cookie';
import { SessionsService } from './sessions.service';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  private readonly secureCookie: boolean;

  constructor(
    private readonly reviewers: ReviewersService,
    private readonly sessions: SessionsService,
    private readonly guard: AuthGuard,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.secureCookie = config.PUBLIC_UI_URL.startsWith('https:');
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password; sets the httpOnly session cookie' })
  async login(@Body() body: unknown, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    // A forged sign-in would put the victim's browser into the attacker's account.
    if (request.headers.origin) this.guard.checkOrigin(request);
    const { email, password } = parseOrBadRequest(LoginInputSchema, body);
    const reviewer = await this.reviewers.authenticate(email, password, clientAddress(request));
    setSessionCookie(response, await this.sessions.start(reviewer.id), this.sessions.ttlMs, this.secureCookie);
    return { reviewer };
  }

  @Post('logout')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Ends the session and clears the cookie' })
  async logout(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    const token = readSessionCookie(request);
    if (token) {
      // Like every cookie-authenticated write: another site must not be able to sign the reviewer out.
      this.guard.checkOrigin(request);
      await this.sessions.end(token);
    }
    clearSessionCookie(response, this.secureCookie);
  }

  @Post('password')
  @HttpCode(204)
  @ApiOperation({
    summary: "Change the signed-in reviewer's password (needs the current one); ends their other sessions",
  })
  async changePassword(
    @Body() body: unknown,
    @Req() request: Request,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    const token = readSessionCookie(request);
    if (principal.kind !== 'session' || !token) throw new ForbiddenError('the API key has no password to change');
    const passwords = parseOrBadRequest(ChangePasswordInputSchema, body);
    await this.reviewers.changePassword(principal.id, passwords, clientAddress(request), token);
  }

  @Get('me')
  @ApiOperation({ summary: 'The signed-in reviewer (401 when signed out, 404 for the API key)' })
  async me(@CurrentPrincipal() principal: Principal) {
    if (principal.kind !== 'session') throw new NotFoundException('the API key is not a reviewer account');
    return { reviewer: await this.reviewers.get(principal.id) };
  }
}
