import { Controller, Get, Query, Response, Route, Security, Tags } from '@tsoa/runtime';
import { type Page, pageRequest } from '../http/pagination.js';
import type { ProblemDocument } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { Cursor, ShortText } from '../shared/validation.js';
import type { LocationUtilisation } from './reports.model.js';

/** What this controller uses of the platform's services. */
type ReportsPorts = Pick<Services, 'reports'>;

@Route('v1/reports')
@Tags('Reports')
export class ReportsController extends Controller {
  constructor(private readonly services: ReportsPorts) {
    super();
  }

  /**
   * Utilisation of public stations over a period (up to 92 days): sessions, charging hours,
   * energy and the share of EVSE time in use, per location; optionally within a box
   * (`bbox=min_lng,min_lat,max_lng,max_lat`). Aggregates only.
   */
  @Get('utilisation')
  @Security('bearer', ['public:read'])
  @Response<ProblemDocument>(422, 'Invalid period or box')
  async utilisation(
    @Query() from: Date,
    @Query() to: Date,
    @Query() bbox?: ShortText,
    @Query() limit?: number,
    @Query() cursor?: Cursor,
  ): Promise<Page<LocationUtilisation>> {
    return this.services.reports.utilisation({ from, to, bbox }, pageRequest(limit, cursor));
  }
}
