import { Controller, Get, Path, Post, Produces, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { userOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import type { ProblemDocument } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { ResourceId } from '../shared/validation.js';
import type { DataExport } from './exports.service.js';

type PrivacyPorts = Pick<Services, 'dataExports'>;

@Route('v1')
@Tags('Privacy')
export class PrivacyController extends Controller {
  constructor(private readonly services: PrivacyPorts) {
    super();
  }

  /**
   * Asks for a copy of everything held about you (GDPR access and portability): a ZIP of JSON
   * and CSV files, announced by email with a link that works once, for 7 days. Asking again
   * while one is being made returns that one.
   */
  @Post('me/exports')
  @Security('bearer')
  @SuccessResponse(202, 'Being made')
  async requestExport(@Request() req: ExpressRequest): Promise<DataExport> {
    this.setStatus(202);
    return this.services.dataExports.request(userOf(principalOf(req)));
  }

  /** Where an export of yours stands. */
  @Get('me/exports/{export_id}')
  @Security('bearer')
  @Response<ProblemDocument>(404, 'No such export of yours')
  async getExport(@Request() req: ExpressRequest, @Path() export_id: ResourceId): Promise<DataExport> {
    return this.services.dataExports.get(userOf(principalOf(req)), export_id);
  }

  /** The archive, through the emailed link (its token is the credential): once, before it expires. */
  @Get('exports/{export_id}/download')
  @Produces('application/zip')
  @Response<ProblemDocument>(404, 'Used, expired or wrong link')
  async download(@Request() req: ExpressRequest, @Path() export_id: ResourceId, @Query() token: ExportToken): Promise<void> {
    const file = await this.services.dataExports.download(export_id, token);
    const res = req.res as NonNullable<ExpressRequest['res']>;
    res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.type('application/zip').setHeader('Content-Length', String(file.size));
    file.stream.pipe(res);
    await new Promise<void>((resolve, reject) => {
      res.on('finish', resolve);
      res.on('close', resolve);
      file.stream.on('error', reject);
    });
  }
}

/** @minLength 10 @maxLength 100 */
export type ExportToken = string;
