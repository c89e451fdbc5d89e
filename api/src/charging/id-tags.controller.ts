import { Body, Controller, Get, Post, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { userOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import type { ProblemDocument } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { IdTag } from './id-tags.service.js';

export interface IdTagRequest {
  /**
   * The card's id as chargers read it (OCPP IdToken, up to 20 characters).
   * @pattern ^[\x21-\x7e]{1,20}$
   * @maxLength 36
   */
  id_tag: string;
}

/** What this controller uses of the platform's services. */
type IdTagsPorts = Pick<Services, 'idTags'>;

@Route('v1/me/id-tags')
@Tags('Charging')
export class IdTagsController extends Controller {
  constructor(private readonly services: IdTagsPorts) {
    super();
  }

  /** Registers an RFID card (or app token) for the signed-in driver; it works at every network. */
  @Post()
  @Security('bearer', ['driver'])
  @SuccessResponse(201, 'Created')
  @Response<ProblemDocument>(409, 'Card already registered')
  async register(@Request() req: ExpressRequest, @Body() body: IdTagRequest): Promise<IdTag> {
    const tag = await this.services.idTags.register(userOf(principalOf(req)), body.id_tag);
    this.setStatus(201);
    return tag;
  }

  /** The signed-in driver's cards. */
  @Get()
  @Security('bearer', ['driver'])
  async list(@Request() req: ExpressRequest): Promise<IdTag[]> {
    return this.services.idTags.list(userOf(principalOf(req)));
  }
}
