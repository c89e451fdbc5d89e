import { Controller, Get, Path, Query, Request, Route, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { problems } from '../http/problem.js';
import { parseBbox } from '../locations/discovery-query.js';
import type { Services } from '../server/services.js';
import type { ResourceId, ShortText } from '../shared/validation.js';
import type { OcpiLocation } from './ocpi.js';
import type { GeoJsonFeature } from './open-data.service.js';

/** The OCPI response envelope. */
export interface OcpiResponse<T> {
  data?: T;
  /** 1000 success; 2001 invalid parameters; 2003 unknown location. */
  status_code: number;
  status_message?: string;
  timestamp: string;
}

const OCPI_MAX_LIMIT = 1000;

function parseDate(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw problems.validation([{ field: `query.${name}`, message: 'must be an ISO-8601 date-time' }]);
  return date;
}

/** What this controller uses of the platform's services. */
type OcpiLocationsPorts = Pick<Services, 'openData'>;

@Route('ocpi/2.2.1/locations')
@Tags('Open data')
export class OcpiLocationsController extends Controller {
  constructor(private readonly services: OcpiLocationsPorts) {
    super();
  }

  /**
   * OCPI 2.2.1 Locations, sender interface, for national access points and roaming partners:
   * every published location. Paginated with `offset`/`limit` and the OCPI headers
   * `X-Total-Count`, `X-Limit` and `Link: <…>; rel="next"`.
   * @param limit At most 1000; 100 by default.
   */
  @Get()
  async list(
    @Request() req: ExpressRequest,
    @Query() offset?: number,
    @Query() limit?: number,
    @Query() date_from?: ShortText,
    @Query() date_to?: ShortText,
  ): Promise<OcpiResponse<OcpiLocation[]>> {
    const start = offset ?? 0;
    const size = Math.min(limit ?? 100, OCPI_MAX_LIMIT);
    if (!Number.isInteger(start) || start < 0 || !Number.isInteger(size) || size < 1) {
      this.setStatus(400);
      return { status_code: 2001, status_message: 'offset must be ≥ 0 and limit ≥ 1', timestamp: new Date().toISOString() };
    }
    const page = await this.services.openData.ocpiLocations(start, size, parseDate(date_from, 'date_from'), parseDate(date_to, 'date_to'));
    this.setHeader('X-Total-Count', String(page.total));
    this.setHeader('X-Limit', String(OCPI_MAX_LIMIT));
    if (start + size < page.total) {
      const next = new URL(`${req.protocol}://${req.get('host')}${req.originalUrl}`);
      next.searchParams.set('offset', String(start + size));
      next.searchParams.set('limit', String(size));
      this.setHeader('Link', `<${next.toString()}>; rel="next"`);
    }
    return { data: page.locations, status_code: 1000, status_message: 'Success', timestamp: new Date().toISOString() };
  }

  @Get('{location_id}')
  async get(@Path() location_id: ResourceId): Promise<OcpiResponse<OcpiLocation>> {
    const location = await this.services.openData.ocpiLocation(location_id);
    if (!location) {
      this.setStatus(404);
      return { status_code: 2003, status_message: 'Unknown Location', timestamp: new Date().toISOString() };
    }
    return { data: location, status_code: 1000, status_message: 'Success', timestamp: new Date().toISOString() };
  }
}

@Route('v1/open-data')
@Tags('Open data')
export class GeoJsonController extends Controller {
  constructor(private readonly services: OcpiLocationsPorts) {
    super();
  }

  /**
   * Every published location as GeoJSON with the AFIR static fields (operator, connectors, power,
   * AC/DC, opening hours, renewable flag) and dynamic ones (availability, ad-hoc price). Free and
   * unauthenticated; cite the `attribution` of each feature when it carries one.
   * @param bbox min_lng,min_lat,max_lng,max_lat
   */
  @Get('locations.geojson')
  async locations(@Query() bbox?: ShortText): Promise<{ type: 'FeatureCollection'; features: GeoJsonFeature[] }> {
    const collection = await this.services.openData.geojson(parseBbox(bbox));
    this.setHeader('Content-Type', 'application/geo+json');
    this.setHeader('Cache-Control', 'public, max-age=30');
    return collection;
  }
}
