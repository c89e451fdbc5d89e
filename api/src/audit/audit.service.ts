import { sql } from 'kysely';
import type { Scopes, Tx } from '../db/tenancy.js';
import { newId } from '../shared/ids.js';
import { newestFirst, type Page, type PageRequest } from '../shared/pagination.js';
import type { AuditChainBreak, AuditChainCheck, AuditEvent } from './audit.model.js';
import { entryHash, GENESIS } from './chain.js';

const VERIFY_BATCH = 1_000;

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

  /**
   * In the caller's transaction: the entry commits with the change it records, or neither does.
   * Entries of one network are chained one at a time (a transaction lock on the network's chain).
   */
  async recordIn(tx: Tx, tenantId: string, event: AuditEntry): Promise<AuditEvent> {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`audit:${tenantId}`}, 0))`.execute(tx);
    const head = await tx
      .selectFrom('audit_events')
      .select(['seq', 'hash'])
      .where('tenant_id', '=', tenantId)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const fields = {
      tenant_id: tenantId,
      id: newId('aud'),
      seq: head ? Number(head.seq) + 1 : 1,
      actor_user_id: event.actorUserId ?? null,
      action: event.action,
      subject_type: event.subjectType,
      subject_id: event.subjectId,
      outcome: event.outcome,
      // As jsonb will give it back (dates as strings, undefined dropped), so the hash can be checked later.
      detail: JSON.parse(JSON.stringify(event.detail ?? {})) as unknown,
      at: new Date(),
    };
    const previous = head?.hash ?? GENESIS;
    return tx
      .insertInto('audit_events')
      .values({ ...fields, detail: JSON.stringify(fields.detail), prev_hash: previous, hash: entryHash(previous, fields) })
      .returning(['id', 'actor_user_id', 'action', 'subject_type', 'subject_id', 'outcome', 'detail', 'at'])
      .executeTakeFirstOrThrow();
  }

  /**
   * Staff's (or a key's) read of drivers' personal data, for accountability: who opened whose
   * sessions. Reading one's own data, or data about nobody, is not recorded.
   */
  async recordRead(
    tenantId: string,
    reader: { userId?: string; keyId?: string },
    subject: { type: string; id: string },
    driverIds: (string | null)[],
  ): Promise<void> {
    const drivers = [...new Set(driverIds.filter((d): d is string => d !== null && d !== reader.userId))];
    if (!drivers.length) return;
    await this.record(tenantId, {
      actorUserId: reader.userId,
      action: 'personal_data.read',
      subjectType: subject.type,
      subjectId: subject.id,
      outcome: 'done',
      detail: { drivers, ...(reader.keyId && { key_id: reader.keyId }) },
    });
  }

  /**
   * Walks the network's chain from its first entry: every entry numbered in turn, linked to the
   * one before, and hashing to what it says. The first entry that does not is reported — edited,
   * removed or moved by someone with access to the database itself.
   */
  async verify(tenantId: string): Promise<AuditChainCheck> {
    let previous = GENESIS;
    let expected = 1;
    for (;;) {
      const rows = await this.scopes.tenant(tenantId, (tx) =>
        tx
          .selectFrom('audit_events')
          .select(['id', 'seq', 'prev_hash', 'hash', 'actor_user_id', 'action', 'subject_type', 'subject_id', 'outcome', 'detail', 'at'])
          .where('tenant_id', '=', tenantId)
          .where('seq', '>=', String(expected) as never)
          .orderBy('seq')
          .limit(VERIFY_BATCH)
          .execute(),
      );
      for (const row of rows) {
        const seq = Number(row.seq);
        const broken = (reason: AuditChainBreak['reason']): AuditChainCheck => ({
          intact: false,
          entries_checked: expected - 1,
          broken_at: { seq: expected, entry_id: seq === expected ? row.id : null, reason },
        });
        if (seq !== expected) return broken('missing');
        if (row.prev_hash !== previous) return broken('relinked');
        const { prev_hash: _link, hash: _hash, ...content } = row;
        if (entryHash(previous, { ...content, tenant_id: tenantId, seq, at: new Date(row.at) }) !== row.hash) return broken('edited');
        previous = row.hash;
        expected += 1;
      }
      if (rows.length < VERIFY_BATCH) return { intact: true, entries_checked: expected - 1, broken_at: null };
    }
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
