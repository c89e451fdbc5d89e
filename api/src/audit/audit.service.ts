import type { Scopes, Tx } from '../db/tenancy.js';
import { newId } from '../shared/ids.js';
import { newestFirst, type Page, type PageRequest } from '../shared/pagination.js';
import type { AuditEvent } from './audit.model.js';

export interface AuditEntry {
  actorUserId?: string;
  action: string;
  subjectType: string;
  subjectId: string;
  outcome: AuditEvent['outcome'];
  detail?: Record<string, unknown>;
}

/** The network's audit trail: an append-only record of what staff did, kept by the database too (no updates or deletes). */
export class AuditService {
  constructor(private readonly scopes: Scopes) {}

  async record(tenantId: string, event: AuditEntry): Promise<AuditEvent> {
    return this.scopes.tenant(tenantId, (tx) => this.recordIn(tx, tenantId, event));
  }

  /** In the caller's transaction: the entry commits with the change it records, or neither does. */
  recordIn(tx: Tx, tenantId: string, event: AuditEntry): Promise<AuditEvent> {
    return tx
      .insertInto('audit_events')
      .values({
        tenant_id: tenantId,
        id: newId('aud'),
        actor_user_id: event.actorUserId ?? null,
        action: event.action,
        subject_type: event.subjectType,
        subject_id: event.subjectId,
        outcome: event.outcome,
        detail: JSON.stringify(event.detail ?? {}),
      })
      .returning(['id', 'actor_user_id', 'action', 'subject_type', 'subject_id', 'outcome', 'detail', 'at'])
      .executeTakeFirstOrThrow();
  }

  list(tenantId: string, filter: { subject_id?: string }, page: PageRequest): Promise<Page<AuditEvent>> {
    return newestFirst(
      page,
      (before, limit) =>
        this.scopes.tenant(tenantId, (tx) =>
          tx
            .selectFrom('audit_events')
            .select(['id', 'actor_user_id', 'action', 'subject_type', 'subject_id', 'outcome', 'detail', 'at'])
            .where('tenant_id', '=', tenantId)
            .$if(filter.subject_id !== undefined, (q) => q.where('subject_id', '=', filter.subject_id as string))
            .$if(before !== undefined, (q) => q.where('id', '<', before as string))
            .orderBy('id', 'desc')
            .limit(limit)
            .execute(),
        ),
      (row) => row,
    );
  }
}
