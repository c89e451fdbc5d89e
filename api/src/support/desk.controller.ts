import { Body, Controller, Delete, Get, Path, Post, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { tenantOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import type { ProblemDocument } from '../http/problem.js';
import type { Services } from '../server/services.js';
import type { ResourceId } from '../shared/validation.js';
import type { Article, ArticleRequest, CannedReply, CannedReplyRequest, LanguageTag, OnCallShift, OnCallShiftRequest } from './desk.model.js';

type DeskPorts = Pick<Services, 'supportDesk'>;

@Route('v1/support')
@Tags('Support')
export class SupportDeskController extends Controller {
  constructor(private readonly services: DeskPorts) {
    super();
  }

  /** The on-call rota: who answers urgent tickets at which hours, in which languages. */
  @Get('on-call')
  @Security('bearer', ['network:read'])
  async shifts(@Request() req: ExpressRequest): Promise<OnCallShift[]> {
    return this.services.supportDesk.shifts(tenantOf(principalOf(req)));
  }

  /** Who is on call right now (those speaking `language` first). */
  @Get('on-call/now')
  @Security('bearer', ['network:read'])
  async now(@Request() req: ExpressRequest, @Query() language?: LanguageTag): Promise<OnCallShift[]> {
    return this.services.supportDesk.onCallNow(tenantOf(principalOf(req)), new Date(), language ?? 'en');
  }

  @Post('on-call')
  @Security('bearer', ['staff:manage'])
  @SuccessResponse(201, 'Added')
  @Response<ProblemDocument>(422, 'Invalid shift')
  async addShift(@Request() req: ExpressRequest, @Body() body: OnCallShiftRequest): Promise<OnCallShift> {
    this.setStatus(201);
    return this.services.supportDesk.addShift(tenantOf(principalOf(req)), body);
  }

  @Delete('on-call/{shift_id}')
  @Security('bearer', ['staff:manage'])
  @SuccessResponse(204, 'Removed')
  async removeShift(@Request() req: ExpressRequest, @Path() shift_id: ResourceId): Promise<void> {
    await this.services.supportDesk.removeShift(tenantOf(principalOf(req)), shift_id);
    this.setStatus(204);
  }

  /** Replies staff can start from, per language. */
  @Get('canned-replies')
  @Security('bearer', ['network:read'])
  async cannedReplies(@Request() req: ExpressRequest, @Query() language?: LanguageTag): Promise<CannedReply[]> {
    return this.services.supportDesk.cannedReplies(tenantOf(principalOf(req)), language);
  }

  @Post('canned-replies')
  @Security('bearer', ['support:write'])
  @SuccessResponse(201, 'Added')
  async addCannedReply(@Request() req: ExpressRequest, @Body() body: CannedReplyRequest): Promise<CannedReply> {
    this.setStatus(201);
    return this.services.supportDesk.addCannedReply(tenantOf(principalOf(req)), body);
  }

  @Delete('canned-replies/{reply_id}')
  @Security('bearer', ['support:write'])
  @SuccessResponse(204, 'Removed')
  async removeCannedReply(@Request() req: ExpressRequest, @Path() reply_id: ResourceId): Promise<void> {
    await this.services.supportDesk.removeCannedReply(tenantOf(principalOf(req)), reply_id);
    this.setStatus(204);
  }

  /** A network's help articles in the reader's language (English where there are none in it), for a topic. */
  @Get('articles')
  @Security('bearer', ['public:read'])
  async articles(
    @Query() network_id: ResourceId,
    @Query() language: LanguageTag,
    @Query() topic?: 'question' | 'fault' | 'billing' | 'booking',
  ): Promise<Article[]> {
    return this.services.supportDesk.articles(network_id, language, topic);
  }

  @Post('articles')
  @Security('bearer', ['support:write'])
  @SuccessResponse(201, 'Published')
  async addArticle(@Request() req: ExpressRequest, @Body() body: ArticleRequest): Promise<Article> {
    this.setStatus(201);
    return this.services.supportDesk.addArticle(tenantOf(principalOf(req)), body);
  }

  @Delete('articles/{article_id}')
  @Security('bearer', ['support:write'])
  @SuccessResponse(204, 'Removed')
  async removeArticle(@Request() req: ExpressRequest, @Path() article_id: ResourceId): Promise<void> {
    await this.services.supportDesk.removeArticle(tenantOf(principalOf(req)), article_id);
    this.setStatus(204);
  }
}
