import { Body, Controller, Delete, Get, Path, Post, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import type { ProblemDocument } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { Email, Password, ResourceId } from '../shared/validation.js';
import type { ActiveLogin } from './account-security.service.js';
import { userOf } from './principal.js';
import { principalOf } from './request.js';

export interface PasswordResetRequest {
  email: Email;
}

export interface AccountLinkToken {
  /** The token from the emailed link. @minLength 10 @maxLength 100 */
  token: string;
}

export interface PasswordReset extends AccountLinkToken {
  new_password: Password;
}

export interface PasswordChange {
  /** @minLength 1 @maxLength 200 */
  current_password: string;
  new_password: Password;
}

export interface VerificationRequested {
  /** True when the address was already confirmed (nothing was sent). */
  already_verified: boolean;
}

type AccountPorts = Pick<Services, 'accountSecurity'>;

/** Email links (verification, password reset) that work without signing in. */
@Route('v1/auth')
@Tags('Auth')
export class AccountLinksController extends Controller {
  constructor(private readonly services: AccountPorts) {
    super();
  }

  /**
   * Emails a single-use link (60 minutes) to reset the password. Answers 202 whether or not the
   * address has an account, so it cannot be used to find out who does.
   */
  @Post('password-reset/request')
  @SuccessResponse(202, 'A link is on its way if the address has an account')
  @Response<ProblemDocument>(429, 'Too many attempts')
  async requestPasswordReset(@Body() body: PasswordResetRequest): Promise<void> {
    await this.services.accountSecurity.requestPasswordReset(body.email);
    this.setStatus(202);
  }

  /** Sets a new password with the emailed token; every login of the account ends. */
  @Post('password-reset')
  @SuccessResponse(204, 'Password set')
  @Response<ProblemDocument>(422, 'The token is invalid, used or expired, or the password too short')
  async resetPassword(@Body() body: PasswordReset): Promise<void> {
    await this.services.accountSecurity.resetPassword(body.token, body.new_password);
    this.setStatus(204);
  }

  /** Confirms the email address with the emailed token. */
  @Post('verify-email')
  @SuccessResponse(204, 'Address confirmed')
  @Response<ProblemDocument>(422, 'The token is invalid, used or expired')
  async verifyEmail(@Body() body: AccountLinkToken): Promise<void> {
    await this.services.accountSecurity.verifyEmail(body.token);
    this.setStatus(204);
  }
}

/** A signed-in person's own account security: verification, password, active logins. */
@Route('v1/me')
@Tags('Me')
export class AccountSecurityController extends Controller {
  constructor(private readonly services: AccountPorts) {
    super();
  }

  /** Emails a link (24 hours, single use) to confirm the account's address. */
  @Post('email-verification')
  @Security('bearer')
  @SuccessResponse(202, 'Sent, unless already confirmed')
  async requestVerification(@Request() req: ExpressRequest): Promise<VerificationRequested> {
    const result = await this.services.accountSecurity.requestVerification(userOf(principalOf(req)));
    this.setStatus(202);
    return result;
  }

  /** Changes the password; the current one must be given. Every other login of the account ends. */
  @Post('password')
  @Security('bearer')
  @SuccessResponse(204, 'Changed')
  @Response<ProblemDocument>(422, 'Wrong current password, or the new one is too short or the same')
  async changePassword(@Request() req: ExpressRequest, @Body() body: PasswordChange): Promise<void> {
    const principal = principalOf(req);
    await this.services.accountSecurity.changePassword(userOf(principal), principal.sessionId, body.current_password, body.new_password);
    this.setStatus(204);
  }

  /** The logins of this account that are still active, most recently used first. */
  @Get('logins')
  @Security('bearer')
  async logins(@Request() req: ExpressRequest): Promise<ActiveLogin[]> {
    const principal = principalOf(req);
    return this.services.accountSecurity.logins(userOf(principal), principal.sessionId);
  }

  /** Signs one login out at once: its refresh and access tokens stop working. */
  @Delete('logins/{loginId}')
  @Security('bearer')
  @SuccessResponse(204, 'Signed out')
  @Response<ProblemDocument>(404, 'No such login of yours')
  async revokeLogin(@Request() req: ExpressRequest, @Path() loginId: ResourceId): Promise<void> {
    await this.services.accountSecurity.revokeLogin(userOf(principalOf(req)), loginId);
    this.setStatus(204);
  }
}
