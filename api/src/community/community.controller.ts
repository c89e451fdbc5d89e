import { Body, Controller, Delete, Get, Patch, Path, Post, Put, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import type { Principal } from '../auth/principal.js';
import { userOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import { type Page, pageRequest } from '../http/pagination.js';
import type { ProblemDocument } from '../http/problem.js';
import type { Services } from '../server/services.js';
import { fail } from '../shared/errors.js';
import type { Cursor, ResourceId, ShortText } from '../shared/validation.js';
import type {
  AnswerInput,
  CheckIn,
  CheckInEdit,
  CheckInInput,
  CheckInSuggestion,
  CheckInUpdate,
  CommunityPost,
  CommunityProfile,
  CommunityProfileInput,
  ContributionStatus,
  FeedItem,
  FollowedStation,
  ModerationAction,
  ModerationItem,
  Photo,
  PhotoSubject,
  PostInput,
  ReportInput,
  ReportTarget,
  StationCommunity,
} from './community.model.js';
import type { Viewer } from './community.service.js';
import type { Moderator } from './moderation.service.js';

type CommunityPorts = Pick<Services, 'community' | 'moderation'>;

/** The caller as the community sees them: a driver (whose own contributions show with their status), or a key or staff member. */
function viewerOf(p: Principal): Viewer {
  return { tenantId: p.tenantId, driverId: p.isDriver ? p.userId : undefined };
}

function driverOf(p: Principal): Viewer & { driverId: string } {
  if (!p.isDriver || !p.userId) throw fail.forbidden('Only signed-in drivers contribute to the community.');
  return { tenantId: p.tenantId, driverId: p.userId };
}

function moderatorOf(p: Principal): Moderator {
  return { userId: userOf(p), tenantId: p.tenantId, canModerateNetwork: p.permissions.has('support:write') };
}

@Route('v1')
@Tags('Community')
export class CommunityController extends Controller {
  constructor(private readonly services: CommunityPorts) {
    super();
  }

  /** A station's community in one read: its explained reliability score (and each EVSE's), the newest check-ins and photos, tips, and questions with their answers. */
  @Get('locations/{location_id}/community')
  @Security('bearer', ['public:read'])
  @Response<ProblemDocument>(404, 'Not found or not visible')
  async station(@Request() req: ExpressRequest, @Path() location_id: ResourceId): Promise<StationCommunity> {
    return this.services.community.stationCommunity(viewerOf(principalOf(req)), location_id);
  }

  /** Check-ins at a station, newest first. */
  @Get('locations/{location_id}/check-ins')
  @Security('bearer', ['public:read'])
  async checkIns(@Request() req: ExpressRequest, @Path() location_id: ResourceId, @Query() limit?: number, @Query() cursor?: Cursor): Promise<Page<CheckIn>> {
    return this.services.community.checkIns(viewerOf(principalOf(req)), location_id, pageRequest(limit, cursor));
  }

  /**
   * The signed-in driver checks in at a station: once per visit (with `session_id`, once per
   * session, marked verified — only the driver's own session at this station is accepted).
   */
  @Post('locations/{location_id}/check-ins')
  @Security('bearer', ['driver'])
  @SuccessResponse(201, 'Checked in')
  @Response<ProblemDocument>(409, 'Already checked in for this visit')
  @Response<ProblemDocument>(422, 'Invalid check-in, or a session that is not the driver’s own here')
  @Response<ProblemDocument>(429, 'Too many contributions')
  async checkIn(@Request() req: ExpressRequest, @Path() location_id: ResourceId, @Body() body: CheckInInput): Promise<CheckIn> {
    const created = await this.services.community.checkIn(driverOf(principalOf(req)), location_id, body);
    this.setStatus(201);
    return created;
  }

  /** The author edits their check-in; the earlier version is kept in its history. */
  @Patch('check-ins/{check_in_id}')
  @Security('bearer', ['driver'])
  async editCheckIn(@Request() req: ExpressRequest, @Path() check_in_id: ResourceId, @Body() body: CheckInUpdate): Promise<CheckIn> {
    return this.services.community.editCheckIn(driverOf(principalOf(req)).driverId, check_in_id, body);
  }

  /** Earlier versions of a check-in, newest first. */
  @Get('check-ins/{check_in_id}/history')
  @Security('bearer', ['public:read'])
  async checkInHistory(@Request() req: ExpressRequest, @Path() check_in_id: ResourceId): Promise<CheckInEdit[]> {
    return this.services.community.checkInHistory(viewerOf(principalOf(req)).driverId, check_in_id);
  }

  /** The signed-in driver's latest ended session without a check-in, pre-filled for a one-tap check-in; 204 when there is none. */
  @Get('me/check-in-suggestion')
  @Security('bearer', ['driver'])
  @SuccessResponse(200, 'A session to check in for')
  @Response(204, 'Nothing to check in for')
  async suggestion(@Request() req: ExpressRequest): Promise<CheckInSuggestion | undefined> {
    const suggestion = await this.services.community.checkInSuggestion(driverOf(principalOf(req)).driverId);
    if (!suggestion) this.setStatus(204);
    return suggestion ?? undefined;
  }

  /** A tip or a question about a station. */
  @Post('locations/{location_id}/posts')
  @Security('bearer', ['driver'])
  @SuccessResponse(201, 'Posted')
  @Response<ProblemDocument>(429, 'Too many contributions')
  async post(@Request() req: ExpressRequest, @Path() location_id: ResourceId, @Body() body: PostInput): Promise<CommunityPost> {
    const created = await this.services.community.post(driverOf(principalOf(req)), location_id, body);
    this.setStatus(201);
    return created;
  }

  /** Answers a question: drivers, or the station's network (support staff), whose answer is marked official. */
  @Post('posts/{post_id}/answers')
  @Security('bearer', ['public:read'])
  @SuccessResponse(201, 'Answered')
  @Response<ProblemDocument>(404, 'No such question')
  async answer(@Request() req: ExpressRequest, @Path() post_id: ResourceId, @Body() body: AnswerInput): Promise<CommunityPost> {
    const p = principalOf(req);
    const staff = p.tenantId && p.userId && p.permissions.has('support:write') ? { tenantId: p.tenantId, userId: p.userId } : undefined;
    const created = await this.services.community.answer({ driverId: p.isDriver ? p.userId : undefined, staff }, post_id, body);
    this.setStatus(201);
    return created;
  }

  /** The signed-in driver found a tip or an answer helpful (once each). */
  @Put('posts/{post_id}/helpful')
  @Security('bearer', ['driver'])
  async helpful(@Request() req: ExpressRequest, @Path() post_id: ResourceId): Promise<CommunityPost> {
    return this.services.community.vote(driverOf(principalOf(req)).driverId, post_id, true);
  }

  /** Takes the helpful vote back. */
  @Delete('posts/{post_id}/helpful')
  @Security('bearer', ['driver'])
  async unhelpful(@Request() req: ExpressRequest, @Path() post_id: ResourceId): Promise<CommunityPost> {
    return this.services.community.vote(driverOf(principalOf(req)).driverId, post_id, false);
  }

  /**
   * A photo of a station: send the image itself (`Content-Type: image/jpeg`, `image/png`,
   * `image/webp` or `image/heic`, at most 15 MB and 50 megapixels). It is stored resized, as
   * WebP, without any metadata (no location, no camera serial).
   * @param subject What it shows.
   * @param caption Up to 200 characters.
   */
  @Post('locations/{location_id}/photos')
  @Security('bearer', ['driver'])
  @SuccessResponse(201, 'Stored')
  @Response<ProblemDocument>(413, 'Larger than 15 MB')
  @Response<ProblemDocument>(422, 'Not an image of the type sent, too many pixels, or damaged')
  @Response<ProblemDocument>(429, 'Too many photos')
  async addPhoto(
    @Request() req: ExpressRequest,
    @Path() location_id: ResourceId,
    @Query() subject?: PhotoSubject,
    @Query() caption?: ShortText,
  ): Promise<Photo> {
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const photo = await this.services.community.addPhoto(driverOf(principalOf(req)), location_id, {
      contentType: req.headers['content-type'],
      bytes,
      subject,
      caption,
    });
    this.setStatus(201);
    return photo;
  }

  /** Photos of a station, newest first. */
  @Get('locations/{location_id}/photos')
  @Security('bearer', ['public:read'])
  async photos(@Request() req: ExpressRequest, @Path() location_id: ResourceId, @Query() limit?: number, @Query() cursor?: Cursor): Promise<Page<Photo>> {
    return this.services.community.photosOf(viewerOf(principalOf(req)), location_id, pageRequest(limit, cursor));
  }

  /**
   * A photo's image (WebP), for anyone: an image tag sends no credentials. Only photos shown to
   * everyone, at stations shown to everyone.
   * @param size `thumb` for the 320-pixel thumbnail.
   */
  @Get('photos/{photo_id}')
  @Response<ProblemDocument>(404, 'No such photo')
  async photoImage(@Request() req: ExpressRequest, @Path() photo_id: ResourceId, @Query() size?: 'full' | 'thumb'): Promise<void> {
    const bytes = await this.services.community.photoImage(photo_id, size ?? 'full');
    sendImage(req, bytes, 'public, max-age=86400');
  }

  /** Follow a station: told when it is free again, when a fault there is fixed, and of new tips. */
  @Put('locations/{location_id}/follow')
  @Security('bearer', ['driver'])
  async follow(@Request() req: ExpressRequest, @Path() location_id: ResourceId): Promise<{ following: boolean; followers: number }> {
    return this.services.community.follow(driverOf(principalOf(req)), location_id, true);
  }

  @Delete('locations/{location_id}/follow')
  @Security('bearer', ['driver'])
  async unfollow(@Request() req: ExpressRequest, @Path() location_id: ResourceId): Promise<{ following: boolean; followers: number }> {
    return this.services.community.follow(driverOf(principalOf(req)), location_id, false);
  }

  /** The stations the signed-in driver follows. */
  @Get('me/follows')
  @Security('bearer', ['driver'])
  async follows(@Request() req: ExpressRequest): Promise<FollowedStation[]> {
    return this.services.community.follows(driverOf(principalOf(req)).driverId);
  }

  /** What is new near a point in the last two weeks: check-ins, tips, questions and photos, newest first. */
  @Get('community/feed')
  @Security('bearer', ['public:read'])
  @Response<ProblemDocument>(422, 'Invalid point')
  async feed(@Request() req: ExpressRequest, @Query() lat: number, @Query() lng: number, @Query() radius_m?: number): Promise<FeedItem[]> {
    return this.services.community.feed(viewerOf(principalOf(req)), { lat, lng, radius_m });
  }

  /** The signed-in driver's community profile: pseudonym, vehicle, contributions and badges. */
  @Get('me/community-profile')
  @Security('bearer', ['driver'])
  async myProfile(@Request() req: ExpressRequest): Promise<CommunityProfile> {
    return this.services.community.myProfile(driverOf(principalOf(req)).driverId);
  }

  @Patch('me/community-profile')
  @Security('bearer', ['driver'])
  @Response<ProblemDocument>(409, 'Pseudonym taken')
  async updateProfile(@Request() req: ExpressRequest, @Body() body: CommunityProfileInput): Promise<CommunityProfile> {
    return this.services.community.updateProfile(driverOf(principalOf(req)).driverId, body);
  }

  /**
   * A driver's public profile.
   * @param pseudonym
   * @maxLength pseudonym 30
   */
  @Get('community/profiles/{pseudonym}')
  @Security('bearer', ['public:read'])
  async profile(@Path() pseudonym: string): Promise<CommunityProfile> {
    return this.services.community.publicProfile(pseudonym);
  }

  /** Reports a contribution (a check-in, post, photo or review) to the moderators; three reports hold it until one looks. */
  @Post('community/reports')
  @Security('bearer', ['driver'])
  @SuccessResponse(201, 'Reported')
  async report(@Request() req: ExpressRequest, @Body() body: ReportInput): Promise<{ id: string; held: boolean }> {
    const result = await this.services.moderation.report(driverOf(principalOf(req)).driverId, body);
    this.setStatus(201);
    return result;
  }

  /**
   * What waits for a moderator, oldest first: held contributions (personal data, links, reports) and reported ones.
   * @param scope `network` (the caller's network's stations; support staff) or `platform` (every network; platform moderators).
   */
  @Get('community/moderation')
  @Security('bearer', ['public:read'])
  async queue(@Request() req: ExpressRequest, @Query() scope?: 'network' | 'platform'): Promise<ModerationItem[]> {
    return this.services.moderation.queue(moderatorOf(principalOf(req)), scope ?? 'network');
  }

  /** Hide, restore or dismiss a contribution, or warn or suspend its author; recorded in the audit trail. */
  @Post('community/moderation/{target_type}/{target_id}')
  @Security('bearer', ['public:read'])
  @Response<ProblemDocument>(404, 'No such contribution, or not yours to moderate')
  async act(
    @Request() req: ExpressRequest,
    @Path() target_type: ReportTarget,
    @Path() target_id: ResourceId,
    @Body() body: ModerationAction,
  ): Promise<{ status: ContributionStatus }> {
    return this.services.moderation.act(moderatorOf(principalOf(req)), target_type, target_id, body);
  }

  /** A photo waiting for a moderator (held or hidden), for the moderation page. */
  @Get('community/moderation/photos/{photo_id}')
  @Security('bearer', ['public:read'])
  async moderatedPhoto(@Request() req: ExpressRequest, @Path() photo_id: ResourceId, @Query() size?: 'full' | 'thumb'): Promise<void> {
    await this.services.moderation.photoTenant(moderatorOf(principalOf(req)), photo_id);
    const bytes = await this.services.community.storedPhoto(photo_id, size ?? 'thumb');
    sendImage(req, bytes, 'private, no-store');
  }
}

function sendImage(req: ExpressRequest, bytes: Buffer, cacheControl: string): void {
  // Shown by the widget on partners' sites, so readable across origins.
  req.res?.status(200).type('image/webp').setHeader('Cache-Control', cacheControl);
  req.res?.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  req.res?.send(bytes);
}
