import { sql } from 'kysely';
import type { AuditService } from '../audit/audit.service.js';
import type { Scopes, Tx } from '../db/tenancy.js';
import type { DiscoveryService } from '../locations/discovery.service.js';
import { setReviewStatus } from '../reviews/reviews.service.js';
import { DomainError, fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { enqueueWebhookDeliveries, webhookEvent } from '../webhooks/webhook-outbox.js';
import type { ContributionStatus, ModerationAction, ModerationItem, ReportInput, ReportReason, ReportTarget } from './community.model.js';
import { contributorsOf, REPORTS_TO_HOLD, shownTo } from './community-rules.js';
import type { ReliabilityService } from './reliability.service.js';

const DAY_MS = 86_400_000;
const DEFAULT_SUSPENSION_DAYS = 7;
const QUEUE_LIMIT = 100;

/** A contribution of any kind, wherever it lives. */
interface Target {
  tenant_id: string;
  location_id: string;
  driver_id: string | null;
  status: ContributionStatus;
  text: string | null;
  hold_reason: string | null;
  created_at: Date;
}

const TABLE = { checkin: 'community_checkins', post: 'community_posts', photo: 'community_photos', review: 'reviews' } as const;

/** Who moderates: a network's staff (their stations), or a platform moderator (every network). */
export interface Moderator {
  userId: string;
  tenantId?: string;
  /** Holds the network's support rights. */
  canModerateNetwork: boolean;
}

/**
 * Keeping the community clean: drivers report contributions (three reports hold one until a
 * moderator looks), automatic holds wait in the same queue, and moderators hide, restore,
 * dismiss, warn or suspend — each action in the audit trail of the station's network.
 */
export class ModerationService {
  constructor(
    private readonly scopes: Scopes,
    private readonly discovery: DiscoveryService,
    private readonly audit: AuditService,
    private readonly reliability: ReliabilityService,
  ) {}

  async isPlatformModerator(userId: string): Promise<boolean> {
    const row = await this.scopes.system((tx) => tx.selectFrom('community_moderators').select('user_id').where('user_id', '=', userId).executeTakeFirst());
    return row !== undefined;
  }

  /** Makes a user a platform moderator (the platform's operators, from the CLI). */
  async addPlatformModerator(email: string): Promise<void> {
    await this.scopes.system(async (tx) => {
      const user = await tx.selectFrom('users').select('id').where(sql<boolean>`lower(email) = lower(${email})`).executeTakeFirst();
      if (!user) throw new DomainError('not-found', 'not-found', `No user has the email ${email}.`);
      await tx
        .insertInto('community_moderators')
        .values({ user_id: user.id })
        .onConflict((oc) => oc.doNothing())
        .execute();
    });
  }

  private locate(type: ReportTarget, id: string): Promise<Target | undefined> {
    return this.scopes.system(async (tx) => {
      switch (type) {
        case 'checkin':
          return tx
            .selectFrom('community_checkins')
            .select(['tenant_id', 'location_id', 'driver_id', 'status', 'comment as text', 'hold_reason', 'created_at'])
            .where('id', '=', id)
            .executeTakeFirst();
        case 'post':
          return tx
            .selectFrom('community_posts')
            .select(['tenant_id', 'location_id', 'driver_id', 'status', 'body as text', 'hold_reason', 'created_at'])
            .where('id', '=', id)
            .executeTakeFirst();
        case 'photo':
          return tx
            .selectFrom('community_photos')
            .select(['tenant_id', 'location_id', 'driver_id', 'status', 'caption as text', 'hold_reason', 'created_at'])
            .where('id', '=', id)
            .executeTakeFirst();
        case 'review':
          return tx
            .selectFrom('reviews')
            .select(['tenant_id', 'location_id', 'driver_id', 'status', 'comment as text', sql<string | null>`null`.as('hold_reason'), 'created_at'])
            .where('id', '=', id)
            .executeTakeFirst();
      }
    });
  }

  /** A driver reports a contribution they can see. Reporting the same thing again changes nothing. */
  async report(driverId: string, input: ReportInput, now = new Date()): Promise<{ id: string; held: boolean }> {
    const target = await this.locate(input.target_type, input.target_id);
    if (!target || !shownTo(target.status, target.driver_id, driverId)) throw fail.notFound(input.target_type, input.target_id);
    await this.discovery.detail(undefined, target.location_id);
    if (target.driver_id === driverId) throw fail.conflict('You cannot report your own contribution; edit or withdraw it.', 'own-contribution');
    const tenantId = target.tenant_id;
    return this.scopes.tenant(tenantId, async (tx) => {
      const existing = await tx
        .selectFrom('community_reports')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('target_type', '=', input.target_type)
        .where('target_id', '=', input.target_id)
        .where('reporter_driver_id', '=', driverId)
        .where('status', '=', 'OPEN')
        .executeTakeFirst();
      if (existing) return { id: existing.id, held: target.status === 'HELD' };
      const id = newId('rpt');
      await tx
        .insertInto('community_reports')
        .values({
          tenant_id: tenantId,
          id,
          target_type: input.target_type,
          target_id: input.target_id,
          location_id: target.location_id,
          reporter_driver_id: driverId,
          reason: input.reason,
          note: input.note?.trim() || null,
          created_at: now,
        })
        .execute();
      const open = await tx
        .selectFrom('community_reports')
        .select(sql<string>`count(distinct reporter_driver_id)`.as('n'))
        .where('tenant_id', '=', tenantId)
        .where('target_type', '=', input.target_type)
        .where('target_id', '=', input.target_id)
        .where('status', '=', 'OPEN')
        .executeTakeFirstOrThrow();
      const held = target.status === 'VISIBLE' && Number(open.n) >= REPORTS_TO_HOLD;
      if (held) await this.setStatus(tx, tenantId, input.target_type, input.target_id, 'HELD', 'reported');
      await enqueueWebhookDeliveries(
        tx,
        tenantId,
        webhookEvent(
          tenantId,
          'community.reported',
          { report_id: id, target_type: input.target_type, target_id: input.target_id, reason: input.reason, held },
          now,
        ),
      );
      return { id, held: held || target.status === 'HELD' };
    });
  }

  /**
   * What waits for a moderator, oldest first: contributions held (automatically or by reports)
   * and visible ones with open reports. A network's staff see their stations'; a platform
   * moderator asking for `platform` sees every network's.
   */
  async queue(moderator: Moderator, scope: 'network' | 'platform'): Promise<ModerationItem[]> {
    if (scope === 'platform' && !(await this.isPlatformModerator(moderator.userId)))
      throw fail.forbidden('Only platform moderators see every network’s queue.');
    if (scope === 'network' && (!moderator.tenantId || !moderator.canModerateNetwork)) throw fail.forbidden('This needs the support rights of a network.');
    const tenant = scope === 'network' ? (moderator.tenantId as string) : undefined;
    const { reports, keys } = await this.scopes.system(async (tx) => {
      const reports = await tx
        .selectFrom('community_reports')
        .select([
          'tenant_id',
          'target_type',
          'target_id',
          sql<string>`count(*)`.as('n'),
          sql<ReportReason[]>`array_agg(distinct reason)`.as('reasons'),
          sql<Date>`min(created_at)`.as('first'),
        ])
        .where('status', '=', 'OPEN')
        .$if(tenant !== undefined, (q) => q.where('tenant_id', '=', tenant as string))
        .groupBy(['tenant_id', 'target_type', 'target_id'])
        .orderBy(sql`min(created_at)`)
        .limit(QUEUE_LIMIT)
        .execute();
      const keys = new Map<string, { target_type: ReportTarget; target_id: string }>();
      for (const r of reports) keys.set(`${r.target_type}/${r.target_id}`, { target_type: r.target_type, target_id: r.target_id });
      for (const type of Object.keys(TABLE) as ReportTarget[]) {
        const held = await tx
          .selectFrom(TABLE[type])
          .select('id')
          .where('status', '=', 'HELD')
          .$if(tenant !== undefined, (q) => q.where('tenant_id', '=', tenant as string))
          .orderBy('created_at')
          .limit(QUEUE_LIMIT)
          .execute();
        for (const h of held) keys.set(`${type}/${h.id}`, { target_type: type, target_id: h.id });
      }
      return { reports, keys: [...keys.values()].slice(0, QUEUE_LIMIT) };
    });
    const items: ModerationItem[] = [];
    for (const key of keys) {
      const target = await this.locate(key.target_type, key.target_id);
      if (!target) continue;
      const report = reports.find((r) => r.target_type === key.target_type && r.target_id === key.target_id);
      const { location, people } = await this.scopes.system(async (tx) => ({
        location: await tx
          .selectFrom('locations')
          .select('name')
          .where('tenant_id', '=', target.tenant_id)
          .where('id', '=', target.location_id)
          .executeTakeFirst(),
        people: await contributorsOf(tx, [target.driver_id]),
      }));
      items.push({
        network_id: target.tenant_id,
        target_type: key.target_type,
        target_id: key.target_id,
        location_id: target.location_id,
        location_name: location?.name ?? '',
        status: target.status,
        text: target.text,
        thumbnail_url: key.target_type === 'photo' ? `/v1/community/moderation/photos/${key.target_id}` : null,
        hold_reason: target.hold_reason,
        reports: Number(report?.n ?? 0),
        reasons: report?.reasons ?? [],
        by: target.driver_id ? (people.get(target.driver_id) ?? null) : null,
        first_reported_at: report?.first ?? null,
        created_at: target.created_at,
      });
    }
    return items.sort((a, b) => (a.first_reported_at ?? a.created_at).getTime() - (b.first_reported_at ?? b.created_at).getTime());
  }

  /** May this moderator act on a contribution of this network? Staff of the network with support rights, or a platform moderator. */
  private async checkMayModerate(moderator: Moderator, tenantId: string): Promise<'network' | 'platform'> {
    if (moderator.tenantId === tenantId && moderator.canModerateNetwork) return 'network';
    if (await this.isPlatformModerator(moderator.userId)) return 'platform';
    throw fail.notFound();
  }

  /** Where a moderator may see a held or hidden photo (the public path serves visible ones only): its network. */
  async photoTenant(moderator: Moderator, photoId: string): Promise<string> {
    const target = await this.locate('photo', photoId);
    if (!target) throw fail.notFound('photo', photoId);
    await this.checkMayModerate(moderator, target.tenant_id);
    return target.tenant_id;
  }

  async act(moderator: Moderator, type: ReportTarget, id: string, input: ModerationAction, now = new Date()): Promise<{ status: ContributionStatus }> {
    const target = await this.locate(type, id);
    if (!target) throw fail.notFound(type, id);
    const as = await this.checkMayModerate(moderator, target.tenant_id);
    const tenantId = target.tenant_id;
    if ((input.action === 'warn' || input.action === 'suspend') && !target.driver_id)
      throw fail.conflict('This contribution has no driver to sanction.', 'no-author');
    return this.scopes.tenant(tenantId, async (tx) => {
      let status = target.status;
      let reports: 'ACTIONED' | 'DISMISSED' = 'ACTIONED';
      switch (input.action) {
        case 'hide':
          status = 'HIDDEN';
          break;
        case 'restore':
        case 'dismiss':
          status = 'VISIBLE';
          reports = 'DISMISSED';
          break;
        case 'warn':
          await this.sanction(tx, tenantId, target.driver_id as string, 'WARN', input.reason, null, moderator.userId, now);
          break;
        case 'suspend': {
          const until = new Date(now.getTime() + (input.days ?? DEFAULT_SUSPENSION_DAYS) * DAY_MS);
          await this.sanction(tx, tenantId, target.driver_id as string, 'SUSPEND', input.reason, until, moderator.userId, now);
          // A platform moderator's suspension holds on every network.
          if (as === 'platform') {
            await tx
              .updateTable('community_profiles')
              .set({ suspended_until: until, updated_at: now })
              .where('driver_id', '=', target.driver_id as string)
              .execute();
          }
          status = 'HIDDEN';
          break;
        }
      }
      if (status !== target.status) await this.setStatus(tx, tenantId, type, id, status, status === 'HELD' ? target.hold_reason : null);
      await tx
        .updateTable('community_reports')
        .set({ status: reports, resolved_by: moderator.userId, resolved_at: now })
        .where('tenant_id', '=', tenantId)
        .where('target_type', '=', type)
        .where('target_id', '=', id)
        .where('status', '=', 'OPEN')
        .execute();
      await this.audit.recordIn(tx, tenantId, {
        actorUserId: moderator.userId,
        action: `community.${input.action}`,
        subjectType: type,
        subjectId: id,
        outcome: 'done',
        detail: { reason: input.reason, as, ...(input.days ? { days: input.days } : {}), status },
      });
      await enqueueWebhookDeliveries(
        tx,
        tenantId,
        webhookEvent(tenantId, 'community.moderated', { target_type: type, target_id: id, action: input.action, status }, now),
      );
      if (type === 'checkin') await this.reliability.scheduleFor(tx, tenantId, target.location_id, now);
      return { status };
    });
  }

  private async sanction(tx: Tx, tenantId: string, driverId: string, kind: 'WARN' | 'SUSPEND', reason: string, until: Date | null, by: string, now: Date) {
    await tx
      .insertInto('community_sanctions')
      .values({ tenant_id: tenantId, id: newId('snc'), driver_id: driverId, kind, reason, until, by_user_id: by, created_at: now })
      .execute();
  }

  private async setStatus(tx: Tx, tenantId: string, type: ReportTarget, id: string, status: ContributionStatus, holdReason: string | null): Promise<void> {
    if (type === 'review') return setReviewStatus(tx, tenantId, id, status);
    await tx.updateTable(TABLE[type]).set({ status, hold_reason: holdReason }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  }
}
