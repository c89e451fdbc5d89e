import { Body, Controller, Get, Path, Post, Produces, Put, Query, Request, Response, Route, Security, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { tenantOf, userOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import { type ProblemDocument, problems } from '../http/problem.js';
import { parseBbox } from '../locations/discovery-query.js';
import type { Services } from '../server/services.js';
import type { ResourceId, ShortText } from '../shared/validation.js';
import { reportCsv, reportPdf } from './report-formats.js';
import type {
  AreaSustainability,
  DriverCarbonYear,
  GridEnergyReadingsInput,
  GridIntensityProfileAccepted,
  GridIntensityProfileInput,
  GridZone,
  Month,
  SiteEnergyAssets,
  SiteEnergyAssetsInput,
  SiteEnergyReadingsAccepted,
  SiteEnergyReadingsInput,
  SolarPotential,
  SustainabilityReport,
} from './sustainability.model.js';

/** What this controller uses of the platform's services. */
type SustainabilityPorts = Pick<Services, 'sustainability' | 'networks'>;

@Route('v1')
@Tags('Sustainability')
export class SustainabilityController extends Controller {
  constructor(private readonly services: SustainabilityPorts) {
    super();
  }

  /** A site's PV array, battery and renewable supply contract. */
  @Get('locations/{location_id}/energy-assets')
  @Security('bearer', ['network:read'])
  @Response<ProblemDocument>(404, 'No such location')
  async energyAssets(@Request() req: ExpressRequest, @Path() location_id: ResourceId): Promise<SiteEnergyAssets> {
    return this.services.sustainability.assets(tenantOf(principalOf(req)), location_id);
  }

  /**
   * Declares what a site has on site and buys. The PV array is modelled (clear sky) where no
   * readings are pushed; the renewable contract sets the market-based CO₂ figures.
   */
  @Put('locations/{location_id}/energy-assets')
  @Security('bearer', ['network:write'])
  @Response<ProblemDocument>(422, 'Invalid assets')
  async setEnergyAssets(@Request() req: ExpressRequest, @Path() location_id: ResourceId, @Body() body: SiteEnergyAssetsInput): Promise<SiteEnergyAssets> {
    return this.services.sustainability.setAssets(tenantOf(principalOf(req)), location_id, body);
  }

  /**
   * The site's energy manager pushes what it measures (PV, site load, battery), at any interval
   * and in any order; a batch is stored whole or refused whole, naming the readings at fault.
   */
  @Post('locations/{location_id}/energy-readings')
  @Security('bearer', ['network:operate'])
  @Response<ProblemDocument>(422, 'Invalid readings')
  async energyReadings(
    @Request() req: ExpressRequest,
    @Path() location_id: ResourceId,
    @Body() body: SiteEnergyReadingsInput,
  ): Promise<SiteEnergyReadingsAccepted> {
    return this.services.sustainability.recordReadings(tenantOf(principalOf(req)), location_id, body.readings);
  }

  /** Utilities: a site's PV, load and battery readings, for sites whose network named you grid operator. */
  @Post('grid/energy-readings')
  @Security('bearer', ['grid:signal'])
  @Response<ProblemDocument>(404, 'Not a site you are grid operator of')
  @Response<ProblemDocument>(422, 'Invalid readings')
  async gridEnergyReadings(@Request() req: ExpressRequest, @Body() body: GridEnergyReadingsInput): Promise<SiteEnergyReadingsAccepted> {
    const { partnerId } = principalOf(req);
    if (!partnerId) throw problems.forbidden('Readings here come from a utility partner key.');
    return this.services.sustainability.recordReadingsAsGridOperator(partnerId, body.location_id, body.readings);
  }

  /** Uploads the network's own hourly carbon intensity for a zone (CSV); it replaces the yearly average for those hours. */
  @Put('grid-intensity/{zone}')
  @Security('bearer', ['network:write'])
  @Response<ProblemDocument>(422, 'Invalid profile')
  async gridIntensity(@Request() req: ExpressRequest, @Path() zone: GridZone, @Body() body: GridIntensityProfileInput): Promise<GridIntensityProfileAccepted> {
    return this.services.sustainability.uploadIntensityProfile(tenantOf(principalOf(req)), zone, body);
  }

  /**
   * Sites without PV, most CO₂ to save first: what a solar carport over their bays would make in
   * a typical year, save, and cover of their own charging, with the assumptions.
   */
  @Get('sustainability/solar-potential')
  @Security('bearer', ['network:read'])
  async solarPotentials(@Request() req: ExpressRequest): Promise<SolarPotential[]> {
    return this.services.sustainability.solarPotentials(tenantOf(principalOf(req)));
  }

  /**
   * Cities and utilities: the public stations in an area (at most 100) by month — energy,
   * renewable share, CO₂ emitted and avoided — and the solar potential of those without PV.
   * Aggregates only: nothing per station, session or driver.
   * @param bbox `min_lng,min_lat,max_lng,max_lat` in degrees.
   */
  @Get('sustainability/area')
  @Security('bearer', ['forecast:area'])
  @Response<ProblemDocument>(422, 'A bad or too large box, or bad months')
  async area(@Query() bbox: ShortText, @Query() from: Month, @Query() to: Month): Promise<AreaSustainability> {
    return this.services.sustainability.areaReport(parseBbox(bbox) as [number, number, number, number], { from, to });
  }

  /**
   * Your year of charging at every network: energy, share renewable, CO₂ emitted and avoided
   * against a petrol car, and what that is like (trees, flights), with the sources.
   * @param year Default: this year.
   */
  @Get('me/sustainability')
  @Security('bearer', ['driver'])
  @Response<ProblemDocument>(422, 'Invalid year')
  async myYear(@Request() req: ExpressRequest, @Query() year?: number): Promise<DriverCarbonYear> {
    return this.services.sustainability.driverYear(userOf(principalOf(req)), year ?? new Date().getUTCFullYear());
  }

  /**
   * Energy, renewable share, on-site PV self-consumption, CO₂ emitted and avoided, per site and
   * month (up to 24) and for the whole network, with the method and data sources.
   */
  @Get('sustainability/report')
  @Security('bearer', ['network:read'])
  @Response<ProblemDocument>(422, 'Invalid months')
  async report(@Request() req: ExpressRequest, @Query() from: Month, @Query() to: Month, @Query() location_id?: ResourceId): Promise<SustainabilityReport> {
    return this.services.sustainability.report(tenantOf(principalOf(req)), { from, to, locationId: location_id });
  }

  /** The same report as a file: CSV (one row per site and month, and the network's months) or a PDF with charts and the method. */
  @Get('sustainability/report/export')
  @Security('bearer', ['network:read'])
  @Produces('text/csv')
  @Produces('application/pdf')
  @Response<ProblemDocument>(422, 'Invalid months')
  async exportReport(
    @Request() req: ExpressRequest,
    @Query() format: 'csv' | 'pdf',
    @Query() from: Month,
    @Query() to: Month,
    @Query() location_id?: ResourceId,
  ): Promise<void> {
    const tenantId = tenantOf(principalOf(req));
    const report = await this.services.sustainability.report(tenantId, { from, to, locationId: location_id });
    const res = req.res as NonNullable<ExpressRequest['res']>;
    const file = `sustainability-${from}-${to}.${format}`;
    res.setHeader('Content-Disposition', `attachment; filename="${file}"`);
    if (format === 'csv') res.type('text/csv; charset=utf-8').send(reportCsv(report));
    else res.type('application/pdf').send(await reportPdf(report, (await this.services.networks.get(tenantId)).name));
  }
}
