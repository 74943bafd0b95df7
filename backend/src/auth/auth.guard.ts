import { createHash, timingSafeEqual } from 'node:crypto';
import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from '@handoff/contracts';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { API_KEY_PRINCIPAL, type Principal } from './principal';
import { IS_PUBLIC } from './public.decorator';
import { ROLES } from './roles.decorator';
import { readSessionCookie } from './session-cookie';
import { SessionsService } from './sessions.service';

const digest = (value: string) => createHash('sha256').update(value).digest();
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The one guard on every route: machines send `Authorization: Bearer <ADMIN_API_KEY>`,
 * browsers the session cookie. Cookie-authenticated writes must come from the UI's
 * (or the API's own) origin, because the browser attaches the cookie to any site's request.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly adminKeyDigest: Buffer;
  private readonly uiOrigin: string;

  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.adminKeyDigest = digest(config.ADMIN_API_KEY);
    this.uiOrigin = new URL(config.PUBLIC_UI_URL).origin;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const principal = await this.authenticate(request);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(principal.role)) throw new ForbiddenException(`needs the ${roles.join(' or ')} role`);
    request.principal = principal;
    return true;
  }

  private async authenticate(request: Request): Promise<Principal> {
    const authorization = request.headers['authorization'];
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      // Comparing digests keeps the comparison constant-time whatever the key length.
      if (!match?.[1] || !timingSafeEqual(digest(match[1]), this.adminKeyDigest)) {
        throw new UnauthorizedException('a valid API key is required (Authorization: Bearer <key>)');
      }
      return API_KEY_PRINCIPAL;
    }
    const token = readSessionCookie(request);
    const principal = token ? await this.sessions.resolve(token) : null;
    if (!principal) throw new UnauthorizedException('sign in, or send Authorization: Bearer <key>');
    if (!SAFE_METHODS.has(request.method)) this.checkOrigin(request);
    return principal;
  }

  /** Throws 403 unless the request's Origin is the UI's or the API's own. */
  checkOrigin(request: Request): void {
    const origin = request.headers.origin;
    if (origin !== this.uiOrigin && origin !== `${request.protocol}://${request.get('host')}`) {
      throw new ForbiddenException('cross-site request refused: Origin must be the review UI');
    }
  }
}
