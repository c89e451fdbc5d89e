import { Controller, Get, Path, Query, Request, Response, Route, Security, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { tenantOf, userOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import type { ChargingAdvice, PricedOutlook } from '../flows/charging-advice.flow.js';
import type { ProblemDocument } from '../http/problem.js';
import { parseBbox } from '../locations/discovery-query.js';
import type { Services } from '../server/services.js';
import type { ResourceId, ShortText } from '../shared/validation.js';
import type { AreaForecast, SiteForecast } from './forecasting.model.js';

/** What this controller uses of the platform's services. */
type ForecastingPorts = Pick<Services, 'forecasting' | 'flows'>;

@Route('v1')
@Tags('Forecasts')
export class ForecastingController extends Controller {
  constructor(private readonly services: ForecastingPorts) {
    super();
  }

  /**
   * Your site's trained forecast for the next seven days, hour by hour: expected arrivals, EVSEs
   * busy (never below the bookings, the queue on top), energy and the chance no EVSE is free.
   * Trained nightly and within the hour after sessions end; sites with under two weeks of history
   * borrow per EVSE from your sites of the same power class (`confidence: borrowed`).
   */
  @Get('locations/{location_id}/forecast')
  @Security('bearer', ['network:read'])
  @Response<ProblemDocument>(404, 'No such location')
  async siteForecast(@Request() req: ExpressRequest, @Path() location_id: ResourceId): Promise<SiteForecast> {
    return this.services.forecasting.forecast(tenantOf(principalOf(req)), location_id);
  }

  /**
   * The next 24 hours at a station, hour by hour: how many EVSEs are expected busy and free, from
   * the station's own sessions of the last eight weeks, with the three quietest hours marked; each
   * hour's CO₂ per kWh (the three cleanest marked) and energy price from the published tariff.
   */
  @Get('locations/{location_id}/outlook')
  @Security('bearer', ['public:read'])
  @Response<ProblemDocument>(404, 'Not found or not visible')
  async outlook(@Request() req: ExpressRequest, @Path() location_id: ResourceId): Promise<PricedOutlook> {
    return this.services.flows.chargingAdvice.stationOutlook(principalOf(req).tenantId, location_id);
  }

  /**
   * When to charge at your usual stations (where you charged most in the last eight weeks, at any
   * network): each hour of the window priced for the energy asked for, against charging now at
   * the one you use most, with the money, CO₂ and waiting each option saves.
   * @param energy_kwh The energy wanted, 1 to 200 kWh.
   * @param from Start of the window (default: now), within the next 24 hours.
   * @param to End of the window (default: 12 hours after its start), at most 24 hours after it.
   */
  @Get('me/recommendations')
  @Security('bearer', ['driver'])
  @Response<ProblemDocument>(422, 'Invalid energy or window')
  async myRecommendations(@Request() req: ExpressRequest, @Query() energy_kwh: number, @Query() from?: Date, @Query() to?: Date): Promise<ChargingAdvice> {
    const start = from ?? new Date();
    return this.services.flows.chargingAdvice.adviseForDriver(userOf(principalOf(req)), {
      energyWh: Math.round(energy_kwh * 1000),
      from: start,
      to: to ?? new Date(start.getTime() + 12 * 3_600_000),
    });
  }

  /**
   * When and where to charge: the stations near a place, each hour of the window (at most 24
   * hours, within the next day), priced by each station's published tariff for the energy asked
   * for and weighed by its forecast; the cheapest (then quietest) first, with what each saves
   * against charging now at the nearest station.
   * @param lat Latitude of the place, -90 to 90.
   * @param lng Longitude of the place, -180 to 180.
   * @param energy_kwh The energy wanted, 1 to 200 kWh.
   * @param from Start of the window (default: now), within the next 24 hours.
   * @param to End of the window (default: 12 hours after its start), at most 24 hours after it.
   * @param radius_m How far to look, 100 to 50,000 m (default 5,000).
   */
  @Get('recommendations')
  @Security('bearer', ['public:read'])
  @Response<ProblemDocument>(422, 'Invalid place, energy or window')
  async recommendations(
    @Request() req: ExpressRequest,
    @Query() lat: number,
    @Query() lng: number,
    @Query() energy_kwh: number,
    @Query() from?: Date,
    @Query() to?: Date,
    @Query() radius_m?: number,
  ): Promise<ChargingAdvice> {
    const start = from ?? new Date();
    return this.services.flows.chargingAdvice.advise(principalOf(req).tenantId, {
      lat,
      lng,
      radiusM: radius_m ?? 5_000,
      energyWh: Math.round(energy_kwh * 1000),
      from: start,
      to: to ?? new Date(start.getTime() + 12 * 3_600_000),
    });
  }

  /**
   * Cities and utilities: the next 24 hours of charging demand over an area, hour by hour — EVSEs
   * expected busy and free, summed over its public stations (at most 100; narrow the box beyond).
   * Aggregates only: nothing per station, session or driver.
   * @param bbox `min_lng,min_lat,max_lng,max_lat` in degrees.
   */
  @Get('forecasts/area')
  @Security('bearer', ['forecast:area'])
  @Response<ProblemDocument>(422, 'A bad or too large box')
  async areaForecast(@Query() bbox: ShortText): Promise<AreaForecast> {
    return this.services.forecasting.areaForecast(parseBbox(bbox) as [number, number, number, number]);
  }
}
