import { Controller, Get, Query, Request, Route, Security, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { tenantOf } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import { type Page, pageRequest } from '../http/pagination.js';
import type { Services } from '../server/services.js';
import type { Cursor, ResourceId } from '../shared/validation.js';
import type { AuditChainCheck, AuditEvent } from './audit.model.js';

type AuditPorts = Pick<Services, 'audit'>;

@Route('v1')
@Tags('Audit')
export class AuditController extends Controller {
  constructor(private readonly services: AuditPorts) {
    super();
  }

  /** What staff did, newest first; `subject_id` narrows it to one ticket, charger or session. */
  @Get('audit-events')
  @Security('bearer', ['network:read'])
  async list(@Request() req: ExpressRequest, @Query() subject_id?: ResourceId, @Query() limit?: number, @Query() cursor?: Cursor): Promise<Page<AuditEvent>> {
    return this.services.audit.list(tenantOf(principalOf(req)), { subject_id }, pageRequest(limit, cursor));
  }

  /**
   * Checks the trail has not been tampered with: each entry hashes the one before, so an entry
   * edited or removed in the database breaks the chain from there on.
   */
  @Get('audit-events/verification')
  @Security('bearer', ['network:read'])
  async verify(@Request() req: ExpressRequest): Promise<AuditChainCheck> {
    return this.services.audit.verify(tenantOf(principalOf(req)));
  }
}
