import { Body, Controller, Delete, Get, Path, Post, Produces, Put, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { partnerOf, tenantOf, userOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import type { SharedSession } from '../flows/partner-sharing.flow.js';
import { type Page, pageRequest } from '../http/pagination.js';
import type { ProblemDocument } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { Cursor, ResourceId } from '../shared/validation.js';
import type { ConsentChoice, ConsentRecord } from './consents.service.js';
import type { AccountDeletion } from './deletion.service.js';
import type { DataExport } from './exports.service.js';
import type { ConsentPurpose, DataClass } from './privacy.tables.js';
import type { RetentionSetting } from './retention.service.js';

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

export interface ConsentDecision {
  purpose: ConsentPurpose;
  /** For partner_sharing: the partner. */
  partner_id?: ResourceId;
  granted: boolean;
  /** The version of the words the person was shown (from GET /v1/me/consents). @maxLength 40 */
  text_version: string;
}

export interface ConsentChoices {
  choices: ConsentChoice[];
  /** Every grant and withdrawal, oldest first, with the words shown. */
  history: ConsentRecord[];
}

@Route('v1')
@Tags('Privacy')
export class ConsentsController extends Controller {
  constructor(private readonly services: Pick<Services, 'consents' | 'auth' | 'flows'>) {
    super();
  }

  private async locale(userId: string): Promise<string> {
    return (await this.services.auth.account(userId)).user?.locale ?? 'en';
  }

  /** Your choices per purpose, with the words to show in your language; off until you grant them. */
  @Get('me/consents')
  @Security('bearer')
  async consents(@Request() req: ExpressRequest): Promise<ConsentChoices> {
    const userId = userOf(principalOf(req));
    return { choices: await this.services.consents.choices(userId, await this.locale(userId)), history: await this.services.consents.history(userId) };
  }

  /** Grants or withdraws one purpose; withdrawing applies at once. Stale words (an old `text_version`) are refused with 409. */
  @Post('me/consents')
  @Security('bearer')
  @Response<ProblemDocument>(409, 'The words changed: show the new ones')
  @Response<ProblemDocument>(422, 'Unknown purpose or partner')
  async decide(@Request() req: ExpressRequest, @Body() body: ConsentDecision): Promise<ConsentChoices> {
    const userId = userOf(principalOf(req));
    const choices = await this.services.consents.decide(userId, await this.locale(userId), body);
    return { choices, history: await this.services.consents.history(userId) };
  }

  /**
   * For an automaker's key: the charging sessions of the drivers who chose to share them with
   * you, newest first — nobody else's. Each read is in the networks' audit trails.
   */
  @Get('partner/shared-sessions')
  @Security('bearer', ['public:read'])
  async sharedSessions(@Request() req: ExpressRequest, @Query() limit?: number, @Query() cursor?: Cursor): Promise<Page<SharedSession>> {
    const principal = principalOf(req);
    return this.services.flows.partnerSharing.sessions(
      partnerOf(principal, 'Shared sessions are for a partner’s key.'),
      principal.keyId,
      pageRequest(limit, cursor),
    );
  }
}

export interface DeletionRequest {
  /** Your password, to confirm it is you. @minLength 1 @maxLength 200 */
  password: string;
  /** Your reviews, check-ins, tips and photos: kept under "former driver", or removed. */
  contributions: 'keep' | 'remove';
}

@Route('v1/me/deletion')
@Tags('Privacy')
export class AccountDeletionController extends Controller {
  constructor(private readonly services: Pick<Services, 'accountDeletion'>) {
    super();
  }

  /**
   * Deletes your account in 14 days (cancel any time before): your address, name, cards, logins,
   * settings and future bookings go; sessions and invoices are kept for the legal period without
   * your name; your contributions stay as "former driver" or are removed, as you choose.
   */
  @Post()
  @Security('bearer')
  @SuccessResponse(202, 'Scheduled')
  @Response<ProblemDocument>(422, 'Wrong password')
  async request(@Request() req: ExpressRequest, @Body() body: DeletionRequest): Promise<AccountDeletion> {
    this.setStatus(202);
    return this.services.accountDeletion.request(userOf(principalOf(req)), body.password, body.contributions);
  }

  /** Your latest deletion request, if any. */
  @Get()
  @Security('bearer')
  async current(@Request() req: ExpressRequest): Promise<AccountDeletion | null> {
    return this.services.accountDeletion.current(userOf(principalOf(req)));
  }

  /** Keeps your account (only while the deletion is still scheduled). */
  @Delete()
  @Security('bearer')
  @Response<ProblemDocument>(404, 'Nothing scheduled')
  async cancel(@Request() req: ExpressRequest): Promise<AccountDeletion> {
    return this.services.accountDeletion.cancel(userOf(principalOf(req)));
  }
}

export interface RetentionChange {
  data_class: DataClass;
  /** Days to keep this class (within its bounds, see GET). */
  days: number;
}

@Route('v1/network/retention')
@Tags('Privacy')
export class RetentionController extends Controller {
  constructor(private readonly services: Pick<Services, 'retention'>) {
    super();
  }

  /** How long the network keeps each class of data, with the platform's default and bounds; enforced every night. */
  @Get()
  @Security('bearer', ['network:read'])
  async settings(@Request() req: ExpressRequest): Promise<RetentionSetting[]> {
    return this.services.retention.settings(tenantOf(principalOf(req)));
  }

  /** Sets one class's retention (kept in the audit trail). */
  @Put()
  @Security('bearer', ['network:write'])
  @Response<ProblemDocument>(422, 'Out of bounds or unknown class')
  async set(@Request() req: ExpressRequest, @Body() body: RetentionChange): Promise<RetentionSetting[]> {
    const principal = principalOf(req);
    return this.services.retention.set(tenantOf(principal), principal.userId, body.data_class, body.days);
  }
}
