import { sql } from 'kysely';
import type { Scopes } from '../db/tenancy.js';
import type { DiscoveryService } from '../locations/discovery.service.js';
import { fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { newestFirst, type Page, type PageRequest } from '../shared/pagination.js';
import type { Review, ReviewInput, ReviewSummary } from './reviews.model.js';

const REVIEW_COLUMNS = ['id', 'location_id', 'rating', 'comment', 'created_at', 'updated_at'] as const;

/**
 * Drivers review the stations they can see: one review each per location (writing again replaces
 * it), stored with the location's network, which may remove abusive ones. Who may see a location
 * is decided by discovery, as everywhere else.
 */
export class ReviewsService {
  constructor(
    private readonly scopes: Scopes,
    private readonly discovery: DiscoveryService,
  ) {}

  /** The network of a location the caller may see; 404 otherwise (also for removed sites). */
  private async networkOf(callerTenantId: string | undefined, locationId: string): Promise<string> {
    const location = await this.discovery.detail(callerTenantId, locationId);
    if (location.status !== 'ACTIVE') throw fail.notFound('location', locationId);
    return location.network_id;
  }

  /** Creates or replaces the driver's review; `created` tells which. */
  async write(driverId: string, locationId: string, input: ReviewInput): Promise<{ review: Review; created: boolean }> {
    const tenantId = await this.networkOf(undefined, locationId);
    const comment = input.comment?.trim() || null;
    const row = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .insertInto('reviews')
        .values({ tenant_id: tenantId, id: newId('rev'), location_id: locationId, driver_id: driverId, rating: input.rating, comment })
        .onConflict((oc) => oc.columns(['tenant_id', 'location_id', 'driver_id']).doUpdateSet({ rating: input.rating, comment, updated_at: new Date() }))
        // xmax is 0 for a row this statement inserted, not for one it updated.
        .returning([...REVIEW_COLUMNS, sql<boolean>`xmax = 0`.as('inserted')])
        .executeTakeFirstOrThrow(),
    );
    const { inserted, ...review } = row;
    return { review, created: inserted };
  }

  /** Removes the driver's own review of a location. */
  async withdraw(driverId: string, locationId: string): Promise<void> {
    const tenantId = await this.networkOf(undefined, locationId);
    const deleted = await this.scopes.tenant(tenantId, (tx) =>
      tx.deleteFrom('reviews').where('tenant_id', '=', tenantId).where('location_id', '=', locationId).where('driver_id', '=', driverId).executeTakeFirst(),
    );
    if (Number(deleted.numDeletedRows) === 0) throw fail.notFound('review of yours for location', locationId);
  }

  /** Staff remove a review of one of their network's locations (moderation). */
  async remove(tenantId: string, reviewId: string): Promise<void> {
    const deleted = await this.scopes.tenant(tenantId, (tx) =>
      tx.deleteFrom('reviews').where('tenant_id', '=', tenantId).where('id', '=', reviewId).executeTakeFirst(),
    );
    if (Number(deleted.numDeletedRows) === 0) throw fail.notFound('review', reviewId);
  }

  /** Reviews of a location the caller may see, newest first. */
  async list(callerTenantId: string | undefined, locationId: string, page: PageRequest): Promise<Page<Review>> {
    return this.page(await this.networkOf(callerTenantId, locationId), { locationId }, page);
  }

  /** Every review of the network's locations, newest first, lowest ratings only when `maxRating` is given: the moderation list. */
  networkReviews(tenantId: string, filter: { maxRating?: number }, page: PageRequest): Promise<Page<Review>> {
    return this.page(tenantId, filter, page);
  }

  /** One page of a network's reviews, newest first: one query for the station's list and the moderation list. */
  private page(tenantId: string, filter: { locationId?: string; maxRating?: number }, page: PageRequest): Promise<Page<Review>> {
    return newestFirst(
      page,
      (before, limit) =>
        this.scopes.tenant(tenantId, (tx) =>
          tx
            .selectFrom('reviews')
            .select(REVIEW_COLUMNS)
            .where('tenant_id', '=', tenantId)
            .$if(filter.locationId !== undefined, (q) => q.where('location_id', '=', filter.locationId as string))
            .$if(filter.maxRating !== undefined, (q) => q.where('rating', '<=', filter.maxRating as number))
            .$if(before !== undefined, (q) => q.where('id', '<', before as string))
            .orderBy('id', 'desc')
            .limit(limit)
            .execute(),
        ),
      (row) => row,
    );
  }

  /** Count and mean rating of a location's reviews (the caller has already been shown the location). */
  async summary(tenantId: string, locationId: string): Promise<ReviewSummary> {
    const row = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .selectFrom('reviews')
        .select([sql<string>`count(*)`.as('count'), sql<string | null>`round(avg(rating), 1)`.as('average')])
        .where('tenant_id', '=', tenantId)
        .where('location_id', '=', locationId)
        .executeTakeFirstOrThrow(),
    );
    return { count: Number(row.count), average_rating: row.average === null ? null : Number(row.average) };
  }
}
