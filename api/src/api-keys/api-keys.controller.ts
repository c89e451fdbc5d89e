import { Body, Controller, Get, Path, Post, Query, Request, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { tenantOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import { type Page, pageRequest } from '../http/pagination.js';
import type { Services } from '../server/services.js';
import type { Cursor, ResourceId } from '../shared/validation.js';
import type { ApiKey, ApiKeyRequest, CreatedApiKey } from './api-keys.model.js';

/** What this controller uses of the platform's services. */
type ApiKeysPorts = Pick<Services, 'apiKeys'>;

@Route('v1/api-keys')
@Tags('API keys')
export class ApiKeysController extends Controller {
  constructor(private readonly services: ApiKeysPorts) {
    super();
  }

  /** Creates a secret or publishable key; the full key is in this response only. */
  @Post()
  @Security('bearer', ['keys:manage'])
  @SuccessResponse(201, 'Created')
  async create(@Request() req: ExpressRequest, @Body() body: ApiKeyRequest): Promise<CreatedApiKey> {
    const principal = principalOf(req);
    const key = await this.services.apiKeys.create(tenantOf(principal), principal.userId, body);
    this.setStatus(201);
    return key;
  }

  @Get()
  @Security('bearer', ['keys:manage'])
  async list(@Request() req: ExpressRequest, @Query() limit?: number, @Query() cursor?: Cursor): Promise<Page<ApiKey>> {
    return this.services.apiKeys.list(tenantOf(principalOf(req)), pageRequest(limit, cursor));
  }

  /** Revokes a key at once; requests using it fail with 401 from then on. */
  @Post('{key_id}/revoke')
  @Security('bearer', ['keys:manage'])
  async revoke(@Request() req: ExpressRequest, @Path() key_id: ResourceId): Promise<ApiKey> {
    return this.services.apiKeys.revoke(tenantOf(principalOf(req)), key_id);
  }
}
