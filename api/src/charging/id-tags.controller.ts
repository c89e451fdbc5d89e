import { Body, Controller, Get, Post, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { userOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import { isUniqueViolation } from '../db/errors.js';
import { type ProblemDocument, problems } from '../http/problem.js';
import type { Services } from '../server/services.js';

export interface IdTagRequest {
  /**
   * The card's id as chargers read it (OCPP IdToken, up to 20 characters).
   * @pattern ^[\x21-\x7e]{1,20}$
   * @maxLength 36
   */
  id_tag: string;
}

export interface IdTag {
  id_tag: string;
  status: 'Accepted' | 'Blocked' | 'Expired' | 'Invalid';
  expires_at: Date | null;
  created_at: Date;
}

@Route('v1/me/id-tags')
@Tags('Charging')
export class IdTagsController extends Controller {
  constructor(private readonly services: Services) {
    super();
  }

  /** Registers an RFID card (or app token) for the signed-in driver; it works at every network. */
  @Post()
  @Security('bearer', ['driver'])
  @SuccessResponse(201, 'Created')
  @Response<ProblemDocument>(409, 'Card already registered')
  async register(@Request() req: ExpressRequest, @Body() body: IdTagRequest): Promise<IdTag> {
    const driverId = userOf(principalOf(req));
    try {
      const row = await this.services.scopes.system((tx) =>
        tx
          .insertInto('id_tags')
          .values({ id_tag: body.id_tag, driver_id: driverId, status: 'Accepted' })
          .returning(['id_tag', 'status', 'expires_at', 'created_at'])
          .executeTakeFirstOrThrow(),
      );
      this.setStatus(201);
      return row;
    } catch (error) {
      if (isUniqueViolation(error)) throw problems.conflict('This card is already registered.', 'id-tag-taken');
      throw error;
    }
  }

  /** The signed-in driver's cards. */
  @Get()
  @Security('bearer', ['driver'])
  async list(@Request() req: ExpressRequest): Promise<IdTag[]> {
    const driverId = userOf(principalOf(req));
    return this.services.scopes.system((tx) =>
      tx.selectFrom('id_tags').select(['id_tag', 'status', 'expires_at', 'created_at']).where('driver_id', '=', driverId).orderBy('created_at').execute(),
    );
  }
}
