import { SetMetadata } from '@nestjs/common';
import type { Role } from '@handoff/contracts';

export const ROLES = 'handoff:roles';
/** Restricts a route to principals with one of these roles (403 otherwise). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);
