import { Body, Controller, Post, Request, Response, Route, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import type { ProblemDocument } from '../http/problem.js';
import { problems } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { Email } from '../shared/validation.js';
import type { TokenPair } from './auth.service.js';
import { authenticateLogin } from './authentication.js';

export interface LoginRequest {
  email: Email;
  /** @minLength 1 @maxLength 200 */
  password: string;
  /** For staff of several networks: which one this session acts for. @maxLength 64 */
  network_id?: string;
}

export interface RefreshRequest {
  /** @minLength 1 @maxLength 512 */
  refresh_token: string;
}

/** What this controller uses of the platform's services. */
type AuthPorts = Pick<Services, 'auth'>;

@Route('v1/auth')
@Tags('Auth')
export class AuthController extends Controller {
  constructor(private readonly services: AuthPorts) {
    super();
  }

  /** Exchanges email and password for a short-lived access token and a refresh token. */
  @Post('login')
  @Response<ProblemDocument>(401, 'Wrong email or password')
  @Response<ProblemDocument>(429, 'Too many attempts')
  async login(@Request() req: ExpressRequest, @Body() body: LoginRequest): Promise<TokenPair> {
    const user = await authenticateLogin(req);
    if (!user) throw problems.unauthenticated('The email or password is wrong.');
    return this.services.auth.startSession(user.id, body.network_id, req.get('user-agent'));
  }

  /** Rotates a refresh token: the old one stops working; reusing it revokes the whole login. */
  @Post('refresh')
  @Response<ProblemDocument>(401, 'Invalid, expired or revoked refresh token')
  async refresh(@Body() body: RefreshRequest): Promise<TokenPair> {
    return this.services.auth.refresh(body.refresh_token);
  }

  /** Ends the login the refresh token belongs to. */
  @Post('logout')
  @SuccessResponse(204, 'Logged out')
  async logout(@Body() body: RefreshRequest): Promise<void> {
    await this.services.auth.logout(body.refresh_token);
    this.setStatus(204);
  }
}
