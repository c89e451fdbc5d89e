import { Body, Controller, Get, Patch, Request, Response, Route, Security, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import type { Permission } from '../auth/permissions.js';
import { principalOf } from '../auth/request.js';
import type { StaffRole } from '../db/schema.js';
import type { DriverPreferences, DriverProfile } from '../drivers/drivers.model.js';
import { type ProblemDocument, problems } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { DisplayName, Locale } from '../shared/validation.js';

export interface Membership {
  network_id: string;
  network_name: string;
  role: StaffRole;
}

export interface Me {
  /** `user` for a signed-in person, otherwise the kind of API key. */
  kind: 'user' | 'secret_key' | 'publishable_key';
  user?: {
    id: string;
    email: string /** The address was confirmed through an emailed link. */;
    email_verified: boolean;
    name: string;
    locale: string;
    is_driver: boolean;
    memberships: Membership[];
  };
  /** For a driver: their settings and the terms they accepted. */
  driver?: DriverProfile;
  key_id?: string;
  /** The network these credentials act for, if any. */
  network_id: string | null;
  role: StaffRole | null;
  permissions: Permission[];
}

/** What this controller uses of the platform's services. */
type MePorts = Pick<Services, 'auth' | 'drivers'>;

/** What a person may change of their own account; a field left out is kept. */
export interface AccountChange {
  name?: DisplayName;
  /** Language for the app, receipts and notifications. */
  locale?: Locale;
  /** Drivers only: their app settings. */
  preferences?: DriverPreferences;
}

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
    const driver = principal.isDriver ? await this.services.drivers.profile(userId) : undefined;
    return { ...base, user: { ...user, is_driver: principal.isDriver, memberships }, ...(driver && { driver }) };
  }

  /** Changes your name, language or (drivers) app settings. */
  @Patch()
  @Security('bearer')
  @Response<ProblemDocument>(422, 'Invalid change')
  async update(@Request() req: ExpressRequest, @Body() body: AccountChange): Promise<Me> {
    const principal = principalOf(req);
    if (principal.kind !== 'user' || !principal.userId) throw problems.forbidden('Only a signed-in person can change their account.');
    if (body.preferences && !principal.isDriver) throw problems.validation([{ field: 'body.preferences', message: 'are for driver accounts' }]);
    await this.services.auth.updateAccount(principal.userId, { name: body.name, locale: body.locale });
    if (body.preferences) await this.services.drivers.updatePreferences(principal.userId, body.preferences);
    return this.me(req);
  }
}
