import { Body, Controller, Delete, Get, Path, Put, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { tenantOf, userOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import { type Page, pageRequest } from '../http/pagination.js';
import type { ProblemDocument } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { Cursor, ResourceId } from '../shared/validation.js';
import type { Review, ReviewEdit, ReviewInput } from './reviews.model.js';

/** What this controller uses of the platform's services. */
type ReviewsPorts = Pick<Services, 'reviews'>;

@Route('v1')
@Tags('Reviews')
export class ReviewsController extends Controller {
  constructor(private readonly services: ReviewsPorts) {
    super();
  }

  /** Drivers' reviews of a location, newest first. */
  @Get('locations/{location_id}/reviews')
  @Security('bearer', ['public:read'])
  @Response<ProblemDocument>(404, 'Not found or not visible')
  async list(@Request() req: ExpressRequest, @Path() location_id: ResourceId, @Query() limit?: number, @Query() cursor?: Cursor): Promise<Page<Review>> {
    return this.services.reviews.list(principalOf(req).tenantId, location_id, pageRequest(limit, cursor));
  }

  /** The signed-in driver reviews a location; writing again replaces their review. */
  @Put('locations/{location_id}/reviews/mine')
  @Security('bearer', ['driver'])
  @SuccessResponse(201, 'Created')
  @Response<Review>(200, 'Replaced')
  @Response<ProblemDocument>(404, 'Not found or not visible')
  @Response<ProblemDocument>(422, 'Invalid review')
  async write(@Request() req: ExpressRequest, @Path() location_id: ResourceId, @Body() body: ReviewInput): Promise<Review> {
    const { review, created } = await this.services.reviews.write(userOf(principalOf(req)), location_id, body);
    this.setStatus(created ? 201 : 200);
    return review;
  }

  /** The signed-in driver withdraws their review of a location. */
  @Delete('locations/{location_id}/reviews/mine')
  @Security('bearer', ['driver'])
  @SuccessResponse(204, 'Withdrawn')
  async withdraw(@Request() req: ExpressRequest, @Path() location_id: ResourceId): Promise<void> {
    await this.services.reviews.withdraw(userOf(principalOf(req)), location_id);
    this.setStatus(204);
  }

  /**
   * The reviews of the network's stations, newest first, for moderation.
   * @param max_rating Only reviews rated this or lower.
   * @isInt max_rating
   * @minimum max_rating 1
   * @maximum max_rating 5
   */
  @Get('network/reviews')
  @Security('bearer', ['network:read'])
  async networkReviews(@Request() req: ExpressRequest, @Query() max_rating?: number, @Query() limit?: number, @Query() cursor?: Cursor): Promise<Page<Review>> {
    return this.services.reviews.networkReviews(tenantOf(principalOf(req)), { maxRating: max_rating }, pageRequest(limit, cursor));
  }

  /** Earlier versions of a review, newest first. */
  @Get('reviews/{review_id}/history')
  @Security('bearer', ['public:read'])
  @Response<ProblemDocument>(404, 'Not found or not visible')
  async history(@Request() req: ExpressRequest, @Path() review_id: ResourceId): Promise<ReviewEdit[]> {
    return this.services.reviews.history(principalOf(req).tenantId, review_id);
  }

  /** Staff remove a review of one of their locations (abuse, spam, personal data). */
  @Delete('reviews/{review_id}')
  @Security('bearer', ['network:write'])
  @SuccessResponse(204, 'Removed')
  async remove(@Request() req: ExpressRequest, @Path() review_id: ResourceId): Promise<void> {
    await this.services.reviews.remove(tenantOf(principalOf(req)), review_id);
    this.setStatus(204);
  }
}
