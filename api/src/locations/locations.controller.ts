import { Body, Controller, Delete, Get, Patch, Path, Post, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { tenantOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import { type Page, pageRequest } from '../http/pagination.js';
import { type ProblemDocument, problems } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { Cursor, ResourceId, ShortText } from '../shared/validation.js';
import { parseBbox } from './discovery-query.js';
import type { EvseCard, Place } from './evse-directory.js';
import type {
  Capability,
  ConnectorStandard,
  EvseInput,
  EvseUpdate,
  LocationDetail,
  LocationInput,
  LocationSummary,
  LocationUpdate,
  LocationWithReviews,
} from './locations.model.js';

/** What this controller uses of the platform's services. */
type LocationsPorts = Pick<Services, 'discovery' | 'locations' | 'reviews' | 'evses'>;

@Route('v1')
@Tags('Locations')
export class LocationsController extends Controller {
  constructor(private readonly services: LocationsPorts) {
    super();
  }

  /**
   * Find charging locations near a point (`lat`, `lng`, `radius_m`, nearest first) or inside a
   * box (`bbox=min_lng,min_lat,max_lng,max_lat`). Shows published locations of every network
   * that shares them, plus all of the caller's own network.
   * @param radius_m Metres, up to 200 km; 10 km by default.
   * @param min_power_kw Only connectors at least this powerful.
   * @param power_type AC or DC.
   * @param available_now Only locations with a free compatible EVSE right now.
   * @param open_now Only locations open now, in their own time zone.
   * @param max_price_per_kwh Minor units per kWh, VAT included.
   * @param green Only stations badged green: at least 80 % renewable energy over the last 90 days of charging (market-based), or as their network declares.
   * @param min_reliability Only stations with a reliability score (0–10, from drivers' verified sessions, check-ins and uptime) of at least this.
   * @param sort `distance` (nearest first; the default) or `reliability` (the most reliable first, stations without a score last).
   * @minimum min_reliability 0
   * @maximum min_reliability 10
   */
  @Get('locations')
  @Security('bearer', ['public:read'])
  @Response<ProblemDocument>(422, 'Invalid search')
  async search(
    @Request() req: ExpressRequest,
    @Query() lat?: number,
    @Query() lng?: number,
    @Query() radius_m?: number,
    @Query() bbox?: ShortText,
    @Query() connector_standard?: ConnectorStandard[],
    @Query() min_power_kw?: number,
    @Query() power_type?: 'AC' | 'DC',
    @Query() available_now?: boolean,
    @Query() open_now?: boolean,
    @Query() network_id?: ResourceId,
    @Query() capability?: Capability[],
    @Query() max_price_per_kwh?: number,
    @Query() green?: boolean,
    @Query() min_reliability?: number,
    @Query() sort?: 'distance' | 'reliability',
    @Query() limit?: number,
    @Query() cursor?: Cursor,
  ): Promise<Page<LocationSummary>> {
    return this.services.discovery.search(
      principalOf(req).tenantId,
      {
        lat,
        lng,
        radius_m,
        bbox: parseBbox(bbox),
        connector_standard,
        min_power_kw,
        power_type,
        available_now,
        open_now,
        network_id,
        capability,
        max_price_per_kwh,
        green,
        min_reliability,
        sort,
      },
      pageRequest(limit, cursor),
    );
  }

  /** A location with its EVSEs, connectors, live status, opening hours, prices and what drivers say of it. */
  @Get('locations/{location_id}')
  @Security('bearer', ['public:read'])
  @Response<ProblemDocument>(404, 'Not found or not visible')
  async detail(@Request() req: ExpressRequest, @Path() location_id: ResourceId): Promise<LocationWithReviews> {
    const location = await this.services.discovery.detail(principalOf(req).tenantId, location_id);
    return { ...location, reviews: await this.services.reviews.summary(location.network_id, location.id) };
  }

  /**
   * Cities and stations whose name or street starts with the words typed, from the stations the
   * platform holds (no external geocoder): for a search box.
   * @param q At least 2 characters.
   */
  @Get('places')
  @Security('bearer', ['public:read'])
  @Response<ProblemDocument>(422, 'Too short')
  async places(@Request() req: ExpressRequest, @Query() q: ShortText, @Query() limit?: number): Promise<Place[]> {
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 20))
      throw problems.validation([{ field: 'query.limit', message: 'must be an integer from 1 to 20' }]);
    if (q.trim().length < 2) throw problems.validation([{ field: 'query.q', message: 'needs at least 2 characters' }]);
    return this.services.evses.places(principalOf(req).tenantId, q, limit);
  }

  /**
   * A public EVSE by the id printed on it (`LU*VOL*E1`, any case, with or without separators), its
   * uid, or the link in its QR code: where it is, whether it is free and whether the app can start it.
   */
  @Get('evses/{evse_ref}')
  @Security('bearer', ['public:read'])
  @Response<ProblemDocument>(404, 'No such public EVSE')
  async evse(@Request() req: ExpressRequest, @Path() evse_ref: ShortText): Promise<EvseCard> {
    return this.services.evses.find(principalOf(req).tenantId, evse_ref);
  }

  @Post('locations')
  @Security('bearer', ['network:write'])
  @SuccessResponse(201, 'Created')
  async create(@Request() req: ExpressRequest, @Body() body: LocationInput): Promise<LocationDetail> {
    const location = await this.services.locations.create(tenantOf(principalOf(req)), body);
    this.setStatus(201);
    return location;
  }

  @Patch('locations/{location_id}')
  @Security('bearer', ['network:write'])
  async update(@Request() req: ExpressRequest, @Path() location_id: ResourceId, @Body() body: LocationUpdate): Promise<LocationDetail> {
    return this.services.locations.update(tenantOf(principalOf(req)), location_id, body);
  }

  /** Removes a location (status REMOVED): it leaves discovery and open data; history keeps it. */
  @Delete('locations/{location_id}')
  @Security('bearer', ['network:write'])
  async remove(@Request() req: ExpressRequest, @Path() location_id: ResourceId): Promise<LocationDetail> {
    return this.services.locations.remove(tenantOf(principalOf(req)), location_id);
  }

  @Post('locations/{location_id}/evses')
  @Security('bearer', ['network:write'])
  @SuccessResponse(201, 'Created')
  async addEvse(@Request() req: ExpressRequest, @Path() location_id: ResourceId, @Body() body: EvseInput): Promise<LocationDetail> {
    const location = await this.services.locations.addEvse(tenantOf(principalOf(req)), location_id, body);
    this.setStatus(201);
    return location;
  }

  /** Edits an EVSE; staff may also set it out of order, back in service, or removed. */
  @Patch('evses/{evse_uid}')
  @Security('bearer', ['network:operate'])
  async updateEvse(@Request() req: ExpressRequest, @Path() evse_uid: ResourceId, @Body() body: EvseUpdate): Promise<LocationDetail> {
    return this.services.locations.updateEvse(tenantOf(principalOf(req)), evse_uid, body);
  }
}
