import { Controller, Get, Request, Route, Security, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import type { Permission } from '../auth/permissions.js';
import { principalOf } from '../auth/request.js';
import type { StaffRole } from '../db/schema.js';
import { problems } from '../http/problem.js';
import type { Services } from '../server/services.js';

export interface Membership {
  network_id: string;
  network_name: string;
  role: StaffRole;
}

export interface Me {
  /** `user` for a signed-in person, otherwise the kind of API key. */
  kind: 'user' | 'secret_key' | 'publishable_key';
  user?: { id: string; email: string; name: string; locale: string; is_driver: boolean; memberships: Membership[] };
  key_id?: string;
  /** The network these credentials act for, if any. */
  network_id: string | null;
  role: StaffRole | null;
  permissions: Permission[];
}

/** What this controller uses of the platform's services. */
type MePorts = Pick<Services, 'auth'>;

@Route('v1/me')
@Tags('Me')
export class MeController extends Controller {
  constructor(private readonly services: MePorts) {
    super();
  }

  /** Who the credentials belong to and what they may do. */
  @Get()
  @Security('bearer')
  async me(@Request() req: ExpressRequest): Promise<Me> {
    const principal = principalOf(req);
    const base = {
      kind: principal.kind,
      network_id: principal.tenantId ?? null,
      role: principal.role ?? null,
      permissions: [...principal.permissions].sort(),
    };
    if (principal.kind !== 'user' || !principal.userId) return { ...base, key_id: principal.keyId };
    const userId = principal.userId;
    const { user, memberships } = await this.services.auth.account(userId);
    if (!user) throw problems.unauthenticated('This account no longer exists.');
    return { ...base, user: { ...user, is_driver: principal.isDriver, memberships } };
  }
}
