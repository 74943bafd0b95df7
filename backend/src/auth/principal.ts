import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Role } from '@handoff/contracts';

/** Who is calling, as established by the auth guard: a machine with the API key, or a signed-in reviewer. */
export interface Principal {
  id: string;
  /** The reviewer's email; `api-key:admin` for the API key. Recorded as the actor of decisions. */
  email: string;
  name: string;
  role: Role;
  kind: 'api-key' | 'session';
}

export const API_KEY_PRINCIPAL: Principal = {
  id: 'api-key:admin',
  email: 'api-key:admin',
  name: 'API key',
  role: 'admin',
  kind: 'api-key',
};

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest().principal,
);
