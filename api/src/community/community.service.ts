import { type Selectable, sql } from 'kysely';
import type { Logger } from 'pino';
import type { Scopes, Tx } from '../db/tenancy.js';
import { type JobRunner, scheduleJob } from '../jobs/job-runner.js';
import type { DiscoveryService } from '../locations/discovery.service.js';
import type { LocationDetail } from '../locations/locations.model.js';
import { recordDriverEvent } from '../notifications/outbox.js';
import { type Emit, writeThenPublish } from '../realtime/after-commit.js';
import type { DomainEvent, EventBus } from '../realtime/events.js';
import { holdReasonOf } from '../shared/content-holds.js';
import { DomainError, type DomainFieldError, fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { newestFirst, type Page, type PageRequest } from '../shared/pagination.js';
import { enqueueWebhookDeliveries, webhookEvent } from '../webhooks/webhook-outbox.js';
import type {
  AnswerInput,
  Badge,
  CheckIn,
  CheckInEdit,
  CheckInInput,
  CheckInSuggestion,
  CheckInUpdate,
  CommunityPost,
  CommunityProfile,
  CommunityProfileInput,
  Contributor,
  FeedItem,
  FollowedStation,
  Photo,
  PhotoSubject,
  PostInput,
  StationCommunity,
} from './community.model.js';
import type { CommunityCheckinsTable, CommunityPhotosTable, CommunityPostsTable } from './community.tables.js';
import { checkMayContribute, contributorOf, contributorsOf, shownTo } from './community-rules.js';
import { processPhoto } from './photo-pipeline.js';
import type { PhotoStore } from './photo-store.js';
import type { ReliabilityService } from './reliability.service.js';

type CheckInRow = Selectable<CommunityCheckinsTable>;
type PostRow = Selectable<CommunityPostsTable>;
type PhotoRow = Selectable<CommunityPhotosTable>;

/** A check-in without a session counts as the same visit for this long: edit it rather than check in again. */
const VISIT_MS = 4 * 3_600_000;
/** The one-tap check-in is offered for sessions that ended this recently. */
const SUGGEST_WITHIN_MS = 48 * 3_600_000;
/** Delivered energy above which a session's suggested outcome is "charged fine". */
const CHARGED_WH = 100;
const FEED_DAYS = 14;
const NEWS_JOB = 'community.station-news';
const PSEUDONYM = /^[\p{L}\p{N} _-]{3,30}$/u;

/** Who is looking: a driver (their own contributions shown with their status), or nobody signed in. */
export interface Viewer {
  tenantId?: string;
  driverId?: string;
}

/** Keys of a photo's two images in the store. */
export const photoKeys = (tenantId: string, photoId: string) => ({ photo: `${tenantId}/${photoId}/photo.webp`, thumb: `${tenantId}/${photoId}/thumb.webp` });

/**
 * What drivers share about stations: check-ins (verified when tied to their own session),
 * tips and questions with answers (the network's marked official) and helpful votes, photos,
 * follows, and pseudonymous profiles. Everything is stored with the station's network; who may
 * see a station is decided by discovery, as everywhere else.
 */
export class CommunityService {
  constructor(
    private readonly scopes: Scopes,
    private readonly bus: EventBus,
    private readonly discovery: DiscoveryService,
    private readonly reliability: ReliabilityService,
    private readonly photos: PhotoStore,
    private readonly logger: Logger,
  ) {}

  /** A station the caller may see, still active; 404 otherwise. */
  private async station(callerTenantId: string | undefined, locationId: string): Promise<LocationDetail> {
    const location = await this.discovery.detail(callerTenantId, locationId);
    if (location.status !== 'ACTIVE') throw fail.notFound('location', locationId);
    return location;
  }

  private write<T>(tenantId: string, work: (tx: Tx, emit: Emit) => Promise<T>): Promise<T> {
    return writeThenPublish(this.scopes, this.bus, tenantId, work);
  }

  // ——— check-ins ———

  async checkIn(viewer: Viewer & { driverId: string }, locationId: string, input: CheckInInput, now = new Date()): Promise<CheckIn> {
    const location = await this.station(viewer.tenantId, locationId);
    const tenantId = location.network_id;
    const errors: DomainFieldError[] = [];
    const evse = input.evse_uid ? location.evses.find((e) => e.uid === input.evse_uid) : undefined;
    if (input.evse_uid && !evse) errors.push({ field: 'evse_uid', message: 'is not an EVSE of this station' });
    if (errors.length) throw fail.invalid(errors);
    await this.scopes.system((tx) => checkMayContribute(tx, tenantId, viewer.driverId, now, 'text'));
    const row = await this.write(tenantId, async (tx, emit) => {
      let evseUid = evse?.uid ?? null;
      if (input.session_id) {
        // Verified only by the driver's own session at this station: anyone else's is refused.
        const session = await tx
          .selectFrom('charging_sessions')
          .innerJoin('evses', (j) => j.onRef('evses.tenant_id', '=', 'charging_sessions.tenant_id').onRef('evses.id', '=', 'charging_sessions.evse_uid'))
          .select(['charging_sessions.driver_id', 'charging_sessions.evse_uid', 'evses.location_id'])
          .where('charging_sessions.tenant_id', '=', tenantId)
          .where('charging_sessions.id', '=', input.session_id)
          .executeTakeFirst();
        if (!session || session.driver_id !== viewer.driverId || session.location_id !== locationId) {
          throw fail.invalid([{ field: 'session_id', message: 'is not a session of yours at this station' }]);
        }
        if (evseUid && evseUid !== session.evse_uid) throw fail.invalid([{ field: 'evse_uid', message: 'is not the EVSE of that session' }]);
        evseUid = session.evse_uid;
        const already = await tx
          .selectFrom('community_checkins')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .where('session_id', '=', input.session_id)
          .executeTakeFirst();
        if (already) throw alreadyCheckedIn(already.id);
      } else {
        const recent = await tx
          .selectFrom('community_checkins')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .where('driver_id', '=', viewer.driverId)
          .where('location_id', '=', locationId)
          .where('created_at', '>', new Date(now.getTime() - VISIT_MS))
          .executeTakeFirst();
        if (recent) throw alreadyCheckedIn(recent.id);
      }
      const comment = input.comment?.trim() || null;
      const vehicle = input.vehicle_model?.trim() || null;
      const hold = holdReasonOf(comment, vehicle);
      const inserted = await tx
        .insertInto('community_checkins')
        .values({
          tenant_id: tenantId,
          id: newId('chk'),
          location_id: locationId,
          evse_uid: evseUid,
          driver_id: viewer.driverId,
          session_id: input.session_id ?? null,
          outcome: input.outcome,
          vehicle_model: vehicle,
          power_kw: input.power_kw ?? null,
          comment,
          status: hold ? 'HELD' : 'VISIBLE',
          hold_reason: hold ?? null,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch((error: unknown) => {
          // Two taps at once: the unique index on the session answers for the second.
          if (String((error as { code?: string }).code) === '23505') throw alreadyCheckedIn();
          throw error;
        });
      await contributorOf(tx, viewer.driverId);
      await this.announce(
        tx,
        tenantId,
        'community.check_in',
        { check_in_id: inserted.id, location_id: locationId, outcome: inserted.outcome, verified: inserted.session_id !== null },
        now,
      );
      await this.reliability.scheduleFor(tx, tenantId, locationId, now);
      if (!hold)
        emit(
          ...(await this.tellFollowers(
            tx,
            tenantId,
            locationId,
            viewer.driverId,
            'community.check_in',
            { location_id: locationId, outcome: inserted.outcome },
            now,
          )),
        );
      return inserted;
    });
    return (await this.checkInViews(tenantId, [row], viewer.driverId))[0] as CheckIn;
  }

  /** The author edits a check-in; the version it replaces is kept. */
  async editCheckIn(driverId: string, checkInId: string, input: CheckInUpdate, now = new Date()): Promise<CheckIn> {
    const found = await this.find('community_checkins', checkInId);
    if (!found || found.driver_id !== driverId) throw fail.notFound('check-in of yours', checkInId);
    const tenantId = found.tenant_id;
    const row = await this.write(tenantId, async (tx) => {
      const current = await tx
        .selectFrom('community_checkins')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', checkInId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('community_checkin_edits')
        .values({
          tenant_id: tenantId,
          id: newId('che'),
          checkin_id: checkInId,
          outcome: current.outcome,
          vehicle_model: current.vehicle_model,
          power_kw: current.power_kw === null ? null : Number(current.power_kw),
          comment: current.comment,
          edited_at: now,
        })
        .execute();
      const comment = input.comment === undefined ? current.comment : input.comment?.trim() || null;
      const vehicle = input.vehicle_model === undefined ? current.vehicle_model : input.vehicle_model?.trim() || null;
      const hold = holdReasonOf(comment, vehicle);
      // A moderator's HIDDEN stays hidden and reports keep holding; an automatic hold lifts once the edit no longer needs it.
      const automaticHold = current.status === 'HELD' && current.hold_reason !== null && current.hold_reason !== 'reported';
      const status = current.status === 'HIDDEN' ? 'HIDDEN' : hold ? 'HELD' : automaticHold ? 'VISIBLE' : current.status;
      const updated = await tx
        .updateTable('community_checkins')
        .set({
          outcome: input.outcome ?? current.outcome,
          vehicle_model: vehicle,
          power_kw: input.power_kw === undefined ? (current.power_kw === null ? null : Number(current.power_kw)) : input.power_kw,
          comment,
          status,
          hold_reason: hold ?? (status === 'HELD' ? current.hold_reason : null),
          updated_at: now,
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', checkInId)
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.reliability.scheduleFor(tx, tenantId, current.location_id, now);
      return updated;
    });
    return (await this.checkInViews(tenantId, [row], driverId))[0] as CheckIn;
  }

  /** Earlier versions of a check-in, newest first: for its author and for anyone who may see it. */
  async checkInHistory(driverId: string | undefined, checkInId: string): Promise<CheckInEdit[]> {
    const found = await this.find('community_checkins', checkInId);
    if (!found || !shownTo(found.status, found.driver_id, driverId)) throw fail.notFound('check-in', checkInId);
    return this.scopes.tenant(found.tenant_id, (tx) =>
      tx
        .selectFrom('community_checkin_edits')
        .select(['outcome', 'vehicle_model', 'power_kw', 'comment', 'edited_at'])
        .where('tenant_id', '=', found.tenant_id)
        .where('checkin_id', '=', checkInId)
        .orderBy('id', 'desc')
        .execute()
        .then((rows) => rows.map((r) => ({ ...r, power_kw: r.power_kw === null ? null : Number(r.power_kw) }))),
    );
  }

  async checkIns(viewer: Viewer, locationId: string, page: PageRequest): Promise<Page<CheckIn>> {
    const { tenantId, rows } = await this.shownAt<CheckInRow>('community_checkins', viewer, locationId, page);
    return { data: await this.checkInViews(tenantId, rows.data, viewer.driverId), next_cursor: rows.next_cursor };
  }

  /** One newest-first page of a station's check-ins or photos: those shown to everyone, and the viewer's own. */
  private async shownAt<Row extends { id: string }>(
    table: 'community_checkins' | 'community_photos',
    viewer: Viewer,
    locationId: string,
    page: PageRequest,
  ): Promise<{ tenantId: string; rows: Page<Row> }> {
    const tenantId = (await this.station(viewer.tenantId, locationId)).network_id;
    const rows = await newestFirst(
      page,
      (before, limit) =>
        this.scopes.tenant(
          tenantId,
          (tx) =>
            tx
              .selectFrom(table)
              .selectAll()
              .where('tenant_id', '=', tenantId)
              .where('location_id', '=', locationId)
              .where((eb) => eb.or([eb('status', '=', 'VISIBLE'), eb('driver_id', '=', viewer.driverId ?? '')]))
              .$if(before !== undefined, (q) => q.where('id', '<', before as string))
              .orderBy('id', 'desc')
              .limit(limit)
              .execute() as Promise<unknown[]> as Promise<Row[]>,
        ),
      (row: Row) => row,
    );
    return { tenantId, rows };
  }

  /** The driver's most recent ended session with no check-in yet, pre-filled for a one-tap check-in. */
  async checkInSuggestion(driverId: string, now = new Date()): Promise<CheckInSuggestion | null> {
    const row = await this.scopes.system((tx) =>
      tx
        .selectFrom('charging_sessions as s')
        .innerJoin('evses as e', (j) => j.onRef('e.tenant_id', '=', 's.tenant_id').onRef('e.id', '=', 's.evse_uid'))
        .innerJoin('locations as l', (j) => j.onRef('l.tenant_id', '=', 'e.tenant_id').onRef('l.id', '=', 'e.location_id'))
        .leftJoin('community_profiles as p', 'p.driver_id', 's.driver_id')
        .select([
          's.id',
          's.evse_uid',
          'e.evse_id',
          'l.id as location_id',
          'l.name as location_name',
          's.stopped_at',
          's.meter_start_wh',
          sql<number>`coalesce(s.meter_stop_wh, s.meter_last_wh)`.as('meter_stop_wh'),
          sql<number | null>`(select max(m.power_w) from meter_samples m where m.tenant_id = s.tenant_id and m.session_id = s.id)`.as('max_power_w'),
          'p.vehicle_model',
        ])
        .where('s.driver_id', '=', driverId)
        .where('s.status', '=', 'COMPLETED')
        .where('s.stopped_at', '>', new Date(now.getTime() - SUGGEST_WITHIN_MS))
        .where('l.status', '=', 'ACTIVE')
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('community_checkins as c').select('c.id').whereRef('c.tenant_id', '=', 's.tenant_id').whereRef('c.session_id', '=', 's.id'))),
        )
        .orderBy('s.stopped_at', 'desc')
        .limit(1)
        .executeTakeFirst(),
    );
    if (!row) return null;
    const energy = Math.max(0, Number(row.meter_stop_wh) - Number(row.meter_start_wh));
    return {
      session_id: row.id,
      location_id: row.location_id,
      location_name: row.location_name,
      evse_uid: row.evse_uid,
      evse_id: row.evse_id,
      ended_at: row.stopped_at as Date,
      power_kw: row.max_power_w === null ? null : Math.round(Number(row.max_power_w) / 100) / 10,
      energy_wh: energy,
      outcome: energy > CHARGED_WH ? 'CHARGED' : 'COULD_NOT_CHARGE',
      vehicle_model: row.vehicle_model,
    };
  }

  // ——— tips, questions, answers, votes ———

  async post(viewer: Viewer & { driverId: string }, locationId: string, input: PostInput, now = new Date()): Promise<CommunityPost> {
    const tenantId = (await this.station(viewer.tenantId, locationId)).network_id;
    await this.scopes.system((tx) => checkMayContribute(tx, tenantId, viewer.driverId, now, 'text'));
    const row = await this.write(tenantId, async (tx, emit) => {
      const body = input.body.trim();
      const hold = holdReasonOf(body);
      const inserted = await this.insertPost(
        tx,
        tenantId,
        { location_id: locationId, kind: input.kind, parent_id: null, driver_id: viewer.driverId, body, hold },
        now,
      );
      await contributorOf(tx, viewer.driverId);
      const type = input.kind === 'TIP' ? 'community.tip' : 'community.question';
      await this.announce(tx, tenantId, type, { post_id: inserted.id, location_id: locationId, held: hold !== undefined }, now);
      if (!hold)
        emit(
          ...(await this.tellFollowers(
            tx,
            tenantId,
            locationId,
            viewer.driverId,
            'community.tip',
            { location_id: locationId, post_id: inserted.id, kind: input.kind },
            now,
          )),
        );
      return inserted;
    });
    return (await this.postViews(tenantId, [row], viewer.driverId))[0] as CommunityPost;
  }

  /**
   * An answer to a question: from a driver, or from the station's network (staff with support
   * rights), which is marked official.
   */
  async answer(
    author: { driverId?: string; staff?: { tenantId: string; userId: string } },
    questionId: string,
    input: AnswerInput,
    now = new Date(),
  ): Promise<CommunityPost> {
    const question = await this.find('community_posts', questionId);
    if (!question || question.kind !== 'QUESTION' || !shownTo(question.status, question.driver_id, author.driverId))
      throw fail.notFound('question', questionId);
    const tenantId = question.tenant_id;
    const official = author.staff?.tenantId === tenantId;
    if (!official) {
      if (!author.driverId) throw fail.forbidden('Only drivers and the station’s own network answer questions.');
      await this.station(undefined, question.location_id);
      await this.scopes.system((tx) => checkMayContribute(tx, tenantId, author.driverId as string, now, 'text'));
    }
    const row = await this.write(tenantId, async (tx, emit) => {
      const body = input.body.trim();
      // The network's own answers are not held: it moderates its stations itself.
      const hold = official ? undefined : holdReasonOf(body);
      const inserted = await this.insertPost(
        tx,
        tenantId,
        {
          location_id: question.location_id,
          kind: 'ANSWER',
          parent_id: questionId,
          driver_id: official ? null : (author.driverId as string),
          staff_user_id: official ? author.staff?.userId : null,
          official,
          body,
          hold,
        },
        now,
      );
      if (!official) await contributorOf(tx, author.driverId as string);
      await this.announce(
        tx,
        tenantId,
        'community.answer',
        { post_id: inserted.id, question_id: questionId, location_id: question.location_id, official },
        now,
      );
      // The one who asked hears of the answer.
      if (!hold && question.driver_id && question.driver_id !== author.driverId) {
        emit(
          await recordDriverEvent(
            tx,
            tenantId,
            'community.answer',
            question.driver_id,
            { location_id: question.location_id, question_id: questionId, official },
            now,
          ),
        );
      }
      return inserted;
    });
    return (await this.postViews(tenantId, [row], author.driverId))[0] as CommunityPost;
  }

  /** Marks a tip or answer helpful (once per driver; not one's own). */
  async vote(driverId: string, postId: string, helpful: boolean): Promise<CommunityPost> {
    const post = await this.find('community_posts', postId);
    if (!post || post.status !== 'VISIBLE') throw fail.notFound('post', postId);
    await this.station(undefined, post.location_id);
    if (post.driver_id === driverId) throw fail.conflict('You cannot vote for your own post.', 'own-post');
    const tenantId = post.tenant_id;
    const row = await this.scopes.tenant(tenantId, async (tx) => {
      const changed = helpful
        ? await tx
            .insertInto('community_votes')
            .values({ tenant_id: tenantId, post_id: postId, driver_id: driverId })
            .onConflict((oc) => oc.doNothing())
            .executeTakeFirst()
            .then((r) => Number(r.numInsertedOrUpdatedRows ?? 0))
        : await tx
            .deleteFrom('community_votes')
            .where('tenant_id', '=', tenantId)
            .where('post_id', '=', postId)
            .where('driver_id', '=', driverId)
            .executeTakeFirst()
            .then((r) => Number(r.numDeletedRows));
      return tx
        .updateTable('community_posts')
        .set({ helpful_count: sql`helpful_count + ${changed * (helpful ? 1 : -1)}` })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', postId)
        .returningAll()
        .executeTakeFirstOrThrow();
    });
    return (await this.postViews(tenantId, [row], driverId))[0] as CommunityPost;
  }

  private insertPost(
    tx: Tx,
    tenantId: string,
    p: {
      location_id: string;
      kind: PostRow['kind'];
      parent_id: string | null;
      driver_id: string | null;
      staff_user_id?: string | null;
      official?: boolean;
      body: string;
      hold: string | undefined;
    },
    now: Date,
  ): Promise<PostRow> {
    return tx
      .insertInto('community_posts')
      .values({
        tenant_id: tenantId,
        id: newId('pst'),
        location_id: p.location_id,
        kind: p.kind,
        parent_id: p.parent_id,
        driver_id: p.driver_id,
        staff_user_id: p.staff_user_id ?? null,
        official: p.official ?? false,
        body: p.body,
        status: p.hold ? 'HELD' : 'VISIBLE',
        hold_reason: p.hold ?? null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  // ——— photos ———

  /** A driver's photo of a station: checked, stripped of metadata, resized, stored with its thumbnail. */
  async addPhoto(
    viewer: Viewer & { driverId: string },
    locationId: string,
    upload: { contentType: string | undefined; bytes: Buffer; subject?: PhotoSubject; caption?: string },
    now = new Date(),
  ): Promise<Photo> {
    const tenantId = (await this.station(viewer.tenantId, locationId)).network_id;
    const caption = upload.caption?.trim() || null;
    if (caption && caption.length > 200) throw fail.invalid([{ field: 'caption', message: 'is longer than 200 characters' }]);
    await this.scopes.system((tx) => checkMayContribute(tx, tenantId, viewer.driverId, now, 'photo'));
    const processed = await processPhoto(upload.contentType, upload.bytes);
    const id = newId('pho');
    const keys = photoKeys(tenantId, id);
    await this.photos.put(keys.photo, processed.photo, 'image/webp');
    await this.photos.put(keys.thumb, processed.thumbnail, 'image/webp');
    const hold = holdReasonOf(caption);
    try {
      const row = await this.write(tenantId, async (tx, emit) => {
        const inserted = await tx
          .insertInto('community_photos')
          .values({
            tenant_id: tenantId,
            id,
            location_id: locationId,
            driver_id: viewer.driverId,
            subject: upload.subject ?? 'OTHER',
            caption,
            width: processed.width,
            height: processed.height,
            size_bytes: processed.photo.length,
            thumb_bytes: processed.thumbnail.length,
            status: hold ? 'HELD' : 'VISIBLE',
            hold_reason: hold ?? null,
            created_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await contributorOf(tx, viewer.driverId);
        await this.announce(tx, tenantId, 'community.photo', { photo_id: id, location_id: locationId }, now);
        if (!hold)
          emit(...(await this.tellFollowers(tx, tenantId, locationId, viewer.driverId, 'community.photo', { location_id: locationId, photo_id: id }, now)));
        return inserted;
      });
      return (await this.photoViews(tenantId, [row], viewer.driverId))[0] as Photo;
    } catch (error) {
      // Nothing half-stored: the images go when their row could not be written.
      await Promise.all([this.photos.delete(keys.photo), this.photos.delete(keys.thumb)]).catch((e) =>
        this.logger.warn({ err: e, photo_id: id }, 'photo cleanup failed'),
      );
      throw error;
    }
  }

  /** A photo's image for anyone who may see its station (an <img> sends no token): VISIBLE ones only. */
  async photoImage(photoId: string, size: 'full' | 'thumb'): Promise<Buffer> {
    const found = await this.find('community_photos', photoId);
    if (!found || found.status !== 'VISIBLE') throw fail.notFound('photo', photoId);
    await this.station(undefined, found.location_id).catch(() => {
      throw fail.notFound('photo', photoId);
    });
    return this.storedPhoto(photoId, size, found.tenant_id);
  }

  /** A photo's image whatever its status: for moderators, once the caller has checked they may see it. */
  async storedPhoto(photoId: string, size: 'full' | 'thumb', tenantId?: string): Promise<Buffer> {
    const tenant = tenantId ?? (await this.find('community_photos', photoId))?.tenant_id;
    if (!tenant) throw fail.notFound('photo', photoId);
    const keys = photoKeys(tenant, photoId);
    const bytes = await this.photos.get(size === 'thumb' ? keys.thumb : keys.photo);
    if (!bytes) throw fail.notFound('photo', photoId);
    return bytes;
  }

  async photosOf(viewer: Viewer, locationId: string, page: PageRequest): Promise<Page<Photo>> {
    const { tenantId, rows } = await this.shownAt<PhotoRow>('community_photos', viewer, locationId, page);
    return { data: await this.photoViews(tenantId, rows.data, viewer.driverId), next_cursor: rows.next_cursor };
  }

  // ——— follows ———

  async follow(viewer: Viewer & { driverId: string }, locationId: string, following: boolean): Promise<{ following: boolean; followers: number }> {
    const tenantId = (await this.station(viewer.tenantId, locationId)).network_id;
    return this.scopes.tenant(tenantId, async (tx) => {
      if (following) {
        await tx
          .insertInto('community_follows')
          .values({ tenant_id: tenantId, location_id: locationId, driver_id: viewer.driverId })
          .onConflict((oc) => oc.doNothing())
          .execute();
      } else {
        await tx
          .deleteFrom('community_follows')
          .where('tenant_id', '=', tenantId)
          .where('location_id', '=', locationId)
          .where('driver_id', '=', viewer.driverId)
          .execute();
      }
      return { following, followers: await followersOf(tx, tenantId, locationId) };
    });
  }

  async follows(driverId: string): Promise<FollowedStation[]> {
    return this.scopes.system((tx) =>
      tx
        .selectFrom('community_follows as f')
        .innerJoin('locations as l', (j) => j.onRef('l.tenant_id', '=', 'f.tenant_id').onRef('l.id', '=', 'f.location_id'))
        .select(['f.location_id', 'l.name', 'f.created_at as followed_at'])
        .where('f.driver_id', '=', driverId)
        .where('l.status', '=', 'ACTIVE')
        .orderBy('f.created_at', 'desc')
        .limit(200)
        .execute(),
    );
  }

  /**
   * Followers of a station hear of it (push): a new tip, check-in or photo, in the change's
   * transaction. The author is not told of their own contribution.
   */
  private async tellFollowers(
    tx: Tx,
    tenantId: string,
    locationId: string,
    authorId: string | null,
    type: 'community.check_in' | 'community.tip' | 'community.photo',
    data: Record<string, unknown>,
    now: Date,
  ): Promise<DomainEvent[]> {
    // Check-ins and photos are many; only tips are pushed. The others reach followers through the feed.
    if (type !== 'community.tip') return [];
    const followers = await tx
      .selectFrom('community_follows')
      .select('driver_id')
      .where('tenant_id', '=', tenantId)
      .where('location_id', '=', locationId)
      .$if(authorId !== null, (q) => q.where('driver_id', '<>', authorId as string))
      .limit(1000)
      .execute();
    const events: DomainEvent[] = [];
    for (const f of followers) events.push(await recordDriverEvent(tx, tenantId, 'community.new_tip', f.driver_id, data, now));
    return events;
  }

  /**
   * A followed station is free again (an EVSE became available when none was) or a fault there
   * was fixed: each follower is told once an hour at most — the guarded update decides, so two
   * processes hearing the same change tell nobody twice.
   */
  async stationNews(tenantId: string, locationId: string, news: 'community.station_free' | 'community.fault_fixed', now = new Date()): Promise<void> {
    await this.write(tenantId, async (tx, emit) => {
      const since = new Date(now.getTime() - 3_600_000);
      const told =
        news === 'community.station_free'
          ? await tx
              .updateTable('community_follows')
              .set({ free_notified_at: now })
              .where('tenant_id', '=', tenantId)
              .where('location_id', '=', locationId)
              .where((eb) => eb.or([eb('free_notified_at', 'is', null), eb('free_notified_at', '<', since)]))
              .returning('driver_id')
              .execute()
          : await tx.selectFrom('community_follows').select('driver_id').where('tenant_id', '=', tenantId).where('location_id', '=', locationId).execute();
      for (const f of told) emit(await recordDriverEvent(tx, tenantId, news, f.driver_id, { location_id: locationId }, now));
    });
  }

  /**
   * Follows what followers want to hear of, from the bus: an EVSE available at a station where
   * it is now the only free one (the station was full or down), and an incident resolved. The
   * station's news is told through a job keyed per station and hour, so processes hearing the
   * same event tell nobody twice.
   */
  watch(): () => void {
    return this.bus.subscribe((event) => {
      if (event.type === 'evse.status' && event.payload.status === 'AVAILABLE') {
        void this.freeAgain(event.audience.tenant_id, event.payload.location_id).catch((error: unknown) =>
          this.logger.error({ err: error, location_id: event.payload.location_id }, 'could not tell followers the station is free'),
        );
      } else if (event.type === 'incident.resolved') {
        const locationId = String(event.payload.location_id);
        void this.scopes
          .system((tx) =>
            scheduleJob(tx, {
              kind: NEWS_JOB,
              key: `${NEWS_JOB}:${event.audience.incident_id}`,
              tenantId: event.audience.tenant_id,
              runAt: new Date(),
              payload: { location_id: locationId, news: 'community.fault_fixed' },
            }),
          )
          .catch((error: unknown) => this.logger.error({ err: error, location_id: locationId }, 'could not tell followers the fault is fixed'));
      }
    });
  }

  private async freeAgain(tenantId: string, locationId: string): Promise<void> {
    const { free, followers } = await this.scopes.tenant(tenantId, async (tx) => ({
      free: Number(
        (
          await tx
            .selectFrom('evses')
            .select(sql<string>`count(*)`.as('n'))
            .where('tenant_id', '=', tenantId)
            .where('location_id', '=', locationId)
            .where('availability', '=', 'AVAILABLE')
            .executeTakeFirstOrThrow()
        ).n,
      ),
      followers: await followersOf(tx, tenantId, locationId),
    }));
    if (free === 1 && followers > 0) await this.stationNews(tenantId, locationId, 'community.station_free');
  }

  registerJobs(jobs: JobRunner): void {
    jobs.register(NEWS_JOB, async (payload: { location_id: string; news: 'community.station_free' | 'community.fault_fixed' }, { tenantId, now }) => {
      if (tenantId) await this.stationNews(tenantId, payload.location_id, payload.news, now);
    });
  }

  // ——— the station page, the feed, profiles ———

  async stationCommunity(viewer: Viewer, locationId: string): Promise<StationCommunity> {
    const location = await this.station(viewer.tenantId, locationId);
    const tenantId = location.network_id;
    const driver = viewer.driverId ?? '';
    const rows = await this.scopes.tenant(tenantId, async (tx) => {
      const visibleOrMine = (table: 'community_checkins' | 'community_posts' | 'community_photos') =>
        tx
          .selectFrom(table)
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('location_id', '=', locationId)
          .where((eb) => eb.or([eb('status', '=', 'VISIBLE'), eb('driver_id', '=', driver)]));
      const [checkIns, photos, posts] = await Promise.all([
        visibleOrMine('community_checkins').orderBy('id', 'desc').limit(10).execute() as Promise<CheckInRow[]>,
        visibleOrMine('community_photos').orderBy('id', 'desc').limit(12).execute() as Promise<PhotoRow[]>,
        visibleOrMine('community_posts').orderBy('id', 'desc').limit(200).execute() as Promise<PostRow[]>,
      ]);
      const following = driver
        ? (await tx
            .selectFrom('community_follows')
            .select('driver_id')
            .where('tenant_id', '=', tenantId)
            .where('location_id', '=', locationId)
            .where('driver_id', '=', driver)
            .executeTakeFirst()) !== undefined
        : false;
      return { checkIns, photos, posts, following, followers: await followersOf(tx, tenantId, locationId) };
    });
    const posts = await this.postViews(tenantId, rows.posts, viewer.driverId);
    const answersOf = new Map<string, CommunityPost[]>();
    for (const p of posts.filter((p) => p.kind === 'ANSWER')) answersOf.set(p.parent_id as string, [...(answersOf.get(p.parent_id as string) ?? []), p]);
    const rank = (a: CommunityPost, b: CommunityPost) =>
      Number(b.official) - Number(a.official) || b.helpful_count - a.helpful_count || a.created_at.getTime() - b.created_at.getTime();
    return {
      location_id: locationId,
      reliability: await this.reliability.ofStation(tenantId, location),
      check_ins: await this.checkInViews(tenantId, rows.checkIns, viewer.driverId),
      photos: await this.photoViews(tenantId, rows.photos, viewer.driverId),
      tips: posts.filter((p) => p.kind === 'TIP').sort((a, b) => b.helpful_count - a.helpful_count || b.created_at.getTime() - a.created_at.getTime()),
      questions: posts.filter((p) => p.kind === 'QUESTION').map((q) => ({ ...q, answers: (answersOf.get(q.id) ?? []).sort(rank) })),
      following: rows.following,
      followers: rows.followers,
    };
  }

  /** What is new near the driver in the last two weeks: check-ins, tips, questions and photos at stations they may see, newest first. */
  async feed(viewer: Viewer, near: { lat: number; lng: number; radius_m?: number }, limit = 30): Promise<FeedItem[]> {
    const stations = await this.discovery.search(viewer.tenantId, { lat: near.lat, lng: near.lng, radius_m: near.radius_m ?? 25_000 }, { limit: 100 });
    const byNetwork = new Map<string, typeof stations.data>();
    for (const s of stations.data) byNetwork.set(s.network_id, [...(byNetwork.get(s.network_id) ?? []), s]);
    const since = new Date(Date.now() - FEED_DAYS * 86_400_000);
    const items: FeedItem[] = [];
    for (const [tenantId, sites] of byNetwork) {
      const ids = sites.map((s) => s.id);
      const site = new Map(sites.map((s) => [s.id, s]));
      const rows = await this.scopes.tenant(tenantId, async (tx) => {
        const recent = (table: 'community_checkins' | 'community_posts' | 'community_photos') =>
          tx
            .selectFrom(table)
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .where('location_id', 'in', ids)
            .where('status', '=', 'VISIBLE')
            .where('created_at', '>', since)
            .orderBy('id', 'desc')
            .limit(limit);
        return {
          checkIns: (await recent('community_checkins').execute()) as CheckInRow[],
          posts: ((await recent('community_posts').execute()) as PostRow[]).filter((p) => p.kind !== 'ANSWER'),
          photos: (await recent('community_photos').execute()) as PhotoRow[],
        };
      });
      const at = (locationId: string) => ({
        location_id: locationId,
        location_name: site.get(locationId)?.name ?? '',
        distance_m: site.get(locationId)?.distance_m ?? null,
      });
      for (const c of await this.checkInViews(tenantId, rows.checkIns, viewer.driverId))
        items.push({ type: 'check_in', ...at(c.location_id), check_in: c, at: c.created_at });
      for (const p of await this.postViews(tenantId, rows.posts, viewer.driverId))
        items.push({ type: p.kind === 'TIP' ? 'tip' : 'question', ...at(p.location_id), post: p, at: p.created_at });
      for (const p of await this.photoViews(tenantId, rows.photos, viewer.driverId))
        items.push({ type: 'photo', ...at(p.location_id), photo: p, at: p.created_at });
    }
    return items.sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, limit);
  }

  async myProfile(driverId: string): Promise<CommunityProfile> {
    const contributor = await this.scopes.system((tx) => contributorOf(tx, driverId));
    return this.profileOf(driverId, contributor);
  }

  async updateProfile(driverId: string, input: CommunityProfileInput): Promise<CommunityProfile> {
    await this.scopes.system(async (tx) => {
      await contributorOf(tx, driverId);
      const pseudonym = input.pseudonym?.trim();
      if (pseudonym !== undefined) {
        if (!PSEUDONYM.test(pseudonym)) throw fail.invalid([{ field: 'pseudonym', message: 'may hold only letters, digits, spaces, - and _' }]);
        if (holdReasonOf(pseudonym)) throw fail.invalid([{ field: 'pseudonym', message: 'may not hold contact details, plates or links' }]);
        const taken = await tx
          .selectFrom('community_profiles')
          .select('driver_id')
          .where(sql<boolean>`lower(pseudonym) = lower(${pseudonym})`)
          .where('driver_id', '<>', driverId)
          .executeTakeFirst();
        if (taken) throw fail.conflict('That pseudonym is taken.', 'pseudonym-taken');
      }
      await tx
        .updateTable('community_profiles')
        .set({
          ...(pseudonym !== undefined ? { pseudonym } : {}),
          ...(input.vehicle_model !== undefined ? { vehicle_model: input.vehicle_model?.trim() || null } : {}),
          updated_at: new Date(),
        })
        .where('driver_id', '=', driverId)
        .execute();
    });
    return this.myProfile(driverId);
  }

  /** A driver's public profile by pseudonym: what they contributed and the badges it earns. */
  async publicProfile(pseudonym: string): Promise<CommunityProfile> {
    const row = await this.scopes.system((tx) =>
      tx
        .selectFrom('community_profiles')
        .select(['driver_id', 'pseudonym', 'vehicle_model'])
        .where(sql<boolean>`lower(pseudonym) = lower(${pseudonym})`)
        .executeTakeFirst(),
    );
    if (!row) throw fail.notFound('driver profile', pseudonym);
    return this.profileOf(row.driver_id, row);
  }

  private async profileOf(driverId: string, contributor: Contributor): Promise<CommunityProfile> {
    const counts = await this.scopes.system(async (tx) => {
      const r = await sql<{
        check_ins: string;
        verified: string;
        tips: string;
        answers: string;
        photos: string;
        helpful: string;
        since: Date;
      }>`
        select (select count(*) from community_checkins where driver_id = ${driverId} and status = 'VISIBLE') as check_ins,
               (select count(*) from community_checkins where driver_id = ${driverId} and status = 'VISIBLE' and session_id is not null) as verified,
               (select count(*) from community_posts where driver_id = ${driverId} and status = 'VISIBLE' and kind = 'TIP') as tips,
               (select count(*) from community_posts where driver_id = ${driverId} and status = 'VISIBLE' and kind = 'ANSWER') as answers,
               (select count(*) from community_photos where driver_id = ${driverId} and status = 'VISIBLE') as photos,
               (select coalesce(sum(helpful_count), 0) from community_posts where driver_id = ${driverId} and status = 'VISIBLE') as helpful,
               (select created_at from community_profiles where driver_id = ${driverId}) as since`.execute(tx);
      return r.rows[0];
    });
    const contributions = {
      check_ins: Number(counts?.check_ins ?? 0),
      verified_check_ins: Number(counts?.verified ?? 0),
      tips: Number(counts?.tips ?? 0),
      answers: Number(counts?.answers ?? 0),
      photos: Number(counts?.photos ?? 0),
      helpful_votes: Number(counts?.helpful ?? 0),
    };
    return { ...contributor, contributions, badges: badgesOf(contributions), member_since: counts?.since ?? new Date() };
  }

  // ——— views ———

  private async checkInViews(tenantId: string, rows: CheckInRow[], viewerId: string | undefined): Promise<CheckIn[]> {
    if (rows.length === 0) return [];
    const { people, evseIds, edited } = await this.scopes.tenant(tenantId, async (tx) => ({
      people: await contributorsOf(
        tx,
        rows.map((r) => r.driver_id),
      ),
      evseIds: await evseIdsOf(
        tx,
        tenantId,
        rows.map((r) => r.evse_uid),
      ),
      edited: new Set(
        (
          await tx
            .selectFrom('community_checkin_edits')
            .select('checkin_id')
            .distinct()
            .where('tenant_id', '=', tenantId)
            .where(
              'checkin_id',
              'in',
              rows.map((r) => r.id),
            )
            .execute()
        ).map((e) => e.checkin_id),
      ),
    }));
    return rows.map((r) => ({
      id: r.id,
      location_id: r.location_id,
      evse_uid: r.evse_uid,
      evse_id: r.evse_uid ? (evseIds.get(r.evse_uid) ?? null) : null,
      outcome: r.outcome,
      vehicle_model: r.vehicle_model,
      power_kw: r.power_kw === null ? null : Number(r.power_kw),
      comment: r.comment,
      verified: r.session_id !== null,
      edited: edited.has(r.id),
      status: r.status,
      by: people.get(r.driver_id) as Contributor,
      mine: r.driver_id === viewerId,
      created_at: r.created_at,
      updated_at: r.updated_at,
    }));
  }

  private async postViews(tenantId: string, rows: PostRow[], viewerId: string | undefined): Promise<CommunityPost[]> {
    if (rows.length === 0) return [];
    const { people, voted } = await this.scopes.tenant(tenantId, async (tx) => ({
      people: await contributorsOf(
        tx,
        rows.map((r) => r.driver_id),
      ),
      voted: new Set(
        viewerId
          ? (
              await tx
                .selectFrom('community_votes')
                .select('post_id')
                .where('tenant_id', '=', tenantId)
                .where('driver_id', '=', viewerId)
                .where(
                  'post_id',
                  'in',
                  rows.map((r) => r.id),
                )
                .execute()
            ).map((v) => v.post_id)
          : [],
      ),
    }));
    return rows.map((r) => ({
      id: r.id,
      location_id: r.location_id,
      kind: r.kind,
      parent_id: r.parent_id,
      body: r.body,
      official: r.official,
      helpful_count: r.helpful_count,
      voted: voted.has(r.id),
      status: r.status,
      by: r.driver_id ? (people.get(r.driver_id) ?? null) : null,
      mine: r.driver_id !== null && r.driver_id === viewerId,
      created_at: r.created_at,
    }));
  }

  private async photoViews(tenantId: string, rows: PhotoRow[], viewerId: string | undefined): Promise<Photo[]> {
    if (rows.length === 0) return [];
    const people = await this.scopes.tenant(tenantId, (tx) =>
      contributorsOf(
        tx,
        rows.map((r) => r.driver_id),
      ),
    );
    return rows.map((r) => ({
      id: r.id,
      location_id: r.location_id,
      subject: r.subject,
      caption: r.caption,
      width: r.width,
      height: r.height,
      url: `/v1/photos/${r.id}`,
      thumbnail_url: `/v1/photos/${r.id}?size=thumb`,
      status: r.status,
      by: people.get(r.driver_id) as Contributor,
      mine: r.driver_id === viewerId,
      created_at: r.created_at,
    }));
  }

  /** A contribution by id across networks (ids are unique platform-wide): where it lives, who wrote it, its status. */
  private async find(
    table: 'community_checkins' | 'community_posts' | 'community_photos',
    id: string,
  ): Promise<{ tenant_id: string; location_id: string; driver_id: string | null; status: CheckInRow['status']; kind?: PostRow['kind'] } | undefined> {
    return this.scopes.system(async (tx) => {
      if (table === 'community_posts') {
        return tx.selectFrom('community_posts').select(['tenant_id', 'location_id', 'driver_id', 'status', 'kind']).where('id', '=', id).executeTakeFirst();
      }
      return tx.selectFrom(table).select(['tenant_id', 'location_id', 'driver_id', 'status']).where('id', '=', id).executeTakeFirst();
    });
  }

  /** A `community.*` webhook to the station's network, in the change's transaction. */
  private announce(tx: Tx, tenantId: string, type: string, data: Record<string, unknown>, now: Date): Promise<void> {
    return enqueueWebhookDeliveries(tx, tenantId, webhookEvent(tenantId, type, data, now));
  }
}

const alreadyCheckedIn = (id?: string) =>
  new DomainError('conflict', 'already-checked-in', 'You already checked in for this visit; edit that check-in instead.', {
    data: id ? { check_in_id: id } : {},
  });

async function followersOf(tx: Tx, tenantId: string, locationId: string): Promise<number> {
  const row = await tx
    .selectFrom('community_follows')
    .select(sql<string>`count(*)`.as('n'))
    .where('tenant_id', '=', tenantId)
    .where('location_id', '=', locationId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function evseIdsOf(tx: Tx, tenantId: string, uids: (string | null)[]): Promise<Map<string, string | null>> {
  const wanted = [...new Set(uids.filter((u): u is string => u !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await tx.selectFrom('evses').select(['id', 'evse_id']).where('tenant_id', '=', tenantId).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, r.evse_id]));
}

/** Badges a driver's visible contributions earn. */
export function badgesOf(c: CommunityProfile['contributions']): Badge[] {
  const badges: Badge[] = [];
  if (c.check_ins >= 1) badges.push('first_check_in');
  if (c.check_ins >= 10) badges.push('regular');
  if (c.verified_check_ins >= 5) badges.push('verified_reporter');
  if (c.helpful_votes >= 10) badges.push('helpful');
  if (c.photos >= 5) badges.push('photographer');
  return badges;
}
