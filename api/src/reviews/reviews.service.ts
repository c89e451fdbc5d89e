import { sql } from 'kysely';
import type { Scopes, Tx } from '../db/tenancy.js';
import type { DiscoveryService } from '../locations/discovery.service.js';
import { holdReasonOf } from '../shared/content-holds.js';
import { fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { newestFirst, type Page, type PageRequest } from '../shared/pagination.js';
import type { Review, ReviewEdit, ReviewInput, ReviewSummary } from './reviews.model.js';

const REVIEW_COLUMNS = ['id', 'location_id', 'rating', 'comment', 'status', 'created_at', 'updated_at'] as const;

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

  /** Creates or replaces the driver's review; `created` tells which. The version it replaces is kept. */
  async write(driverId: string, locationId: string, input: ReviewInput): Promise<{ review: Review; created: boolean }> {
    const tenantId = await this.networkOf(undefined, locationId);
    const comment = input.comment?.trim() || null;
    const hold = holdReasonOf(comment);
    return this.scopes.tenant(tenantId, async (tx) => {
      const current = await tx
        .selectFrom('reviews')
        .select(['id', 'rating', 'comment', 'status'])
        .where('tenant_id', '=', tenantId)
        .where('location_id', '=', locationId)
        .where('driver_id', '=', driverId)
        .forUpdate()
        .executeTakeFirst();
      if (current) {
        await tx
          .insertInto('review_edits')
          .values({ tenant_id: tenantId, id: newId('rve'), review_id: current.id, rating: current.rating, comment: current.comment })
          .execute();
      }
      // A moderator's HIDDEN stays hidden and a held review stays held (reports hold it too); personal data or links are held until one looks.
      const status = current?.status === 'HIDDEN' || current?.status === 'HELD' ? current.status : hold ? 'HELD' : 'VISIBLE';
      const row = await tx
        .insertInto('reviews')
        .values({ tenant_id: tenantId, id: newId('rev'), location_id: locationId, driver_id: driverId, rating: input.rating, comment, status })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'location_id', 'driver_id']).doUpdateSet({ rating: input.rating, comment, status, updated_at: new Date() }),
        )
        .returning(REVIEW_COLUMNS)
        .executeTakeFirstOrThrow();
      return { review: row, created: current === undefined };
    });
  }

  /** Earlier versions of a visible review, newest first. */
  async history(callerTenantId: string | undefined, reviewId: string): Promise<ReviewEdit[]> {
    const found = await this.scopes.system((tx) =>
      tx.selectFrom('reviews').select(['tenant_id', 'location_id', 'status']).where('id', '=', reviewId).executeTakeFirst(),
    );
    if (!found || found.status !== 'VISIBLE') throw fail.notFound('review', reviewId);
    await this.networkOf(callerTenantId, found.location_id);
    return this.scopes.tenant(found.tenant_id, (tx) =>
      tx
        .selectFrom('review_edits')
        .select(['rating', 'comment', 'edited_at'])
        .where('tenant_id', '=', found.tenant_id)
        .where('review_id', '=', reviewId)
        .orderBy('id', 'desc')
        .execute(),
    );
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
    return this.page(await this.networkOf(callerTenantId, locationId), { locationId, visibleOnly: true }, page);
  }

  /** Every review of the network's locations, newest first, lowest ratings only when `maxRating` is given: the moderation list. */
  networkReviews(tenantId: string, filter: { maxRating?: number }, page: PageRequest): Promise<Page<Review>> {
    return this.page(tenantId, filter, page);
  }

  /** One page of a network's reviews, newest first: one query for the station's list and the moderation list. */
  private page(tenantId: string, filter: { locationId?: string; maxRating?: number; visibleOnly?: boolean }, page: PageRequest): Promise<Page<Review>> {
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
            .$if(filter.visibleOnly === true, (q) => q.where('status', '=', 'VISIBLE'))
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
        .where('status', '=', 'VISIBLE')
        .executeTakeFirstOrThrow(),
    );
    return { count: Number(row.count), average_rating: row.average === null ? null : Number(row.average) };
  }
}

/** In a moderator's transaction: a review shown, held or hidden (the community module's moderation acts on reviews too). */
export async function setReviewStatus(tx: Tx, tenantId: string, reviewId: string, status: Review['status']): Promise<void> {
  await tx.updateTable('reviews').set({ status, updated_at: new Date() }).where('tenant_id', '=', tenantId).where('id', '=', reviewId).execute();
}
