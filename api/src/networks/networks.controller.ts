import { Body, Controller, Get, Patch, Post, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import type { TokenPair } from '../auth/auth.service.js';
import { tenantOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import { type Page, pageRequest } from '../http/pagination.js';
import type { ProblemDocument } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { Cursor } from '../shared/validation.js';
import type { CreatedInvitation, InvitationAcceptance, InvitationRequest, Network, NetworkSignup, NetworkUpdate, StaffMember } from './networks.model.js';

export interface NetworkSignupResult {
  network: Network;
  owner_id: string;
  tokens: TokenPair;
}

/** What this controller uses of the platform's services. */
type NetworksPorts = Pick<Services, 'auth' | 'networks'>;

@Route('v1')
@Tags('Networks')
export class NetworksController extends Controller {
  constructor(private readonly services: NetworksPorts) {
    super();
  }

  /** Signs up a charging network with its first owner, who is signed in at once. */
  @Post('networks')
  @SuccessResponse(201, 'Created')
  @Response<ProblemDocument>(409, 'Slug or email taken')
  @Response<ProblemDocument>(422, 'Validation failed')
  async signUp(@Body() body: NetworkSignup): Promise<NetworkSignupResult> {
    const { network, ownerId } = await this.services.networks.signUp(body);
    const tokens = await this.services.auth.startSession(ownerId, network.id);
    this.setStatus(201);
    return { network, owner_id: ownerId, tokens };
  }

  /** The network the caller acts for. */
  @Get('network')
  @Security('bearer', ['network:read'])
  async current(@Request() req: ExpressRequest): Promise<Network> {
    return this.services.networks.get(tenantOf(principalOf(req)));
  }

  @Patch('network')
  @Security('bearer', ['network:write'])
  async update(@Request() req: ExpressRequest, @Body() body: NetworkUpdate): Promise<Network> {
    return this.services.networks.update(tenantOf(principalOf(req)), body);
  }

  @Get('network/staff')
  @Security('bearer', ['network:read'])
  async staff(@Request() req: ExpressRequest, @Query() limit?: number, @Query() cursor?: Cursor): Promise<Page<StaffMember>> {
    return this.services.networks.listStaff(tenantOf(principalOf(req)), pageRequest(limit, cursor));
  }

  /** Invites someone to the staff with a role no higher than the inviter's. The token is shown once. */
  @Post('network/invitations')
  @Security('bearer', ['staff:manage'])
  @SuccessResponse(201, 'Created')
  async invite(@Request() req: ExpressRequest, @Body() body: InvitationRequest): Promise<CreatedInvitation> {
    const principal = principalOf(req);
    const invitation = await this.services.networks.invite(tenantOf(principal), principal, body.email, body.role);
    this.setStatus(201);
    return invitation;
  }

  /** Accepts an invitation: creates the account if needed, joins the network, and signs in. */
  @Post('invitations/accept')
  @Response<ProblemDocument>(404, 'Unknown, used or expired invitation')
  async accept(@Body() body: InvitationAcceptance): Promise<TokenPair> {
    const { userId, tenantId } = await this.services.networks.acceptInvitation(body.token, body.name, body.password);
    return this.services.auth.startSession(userId, tenantId);
  }
}
