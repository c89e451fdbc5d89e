import type { AuditService } from '../audit/audit.service.js';
import type { Scopes } from '../db/tenancy.js';
import { type JobRunner, scheduleJob, scheduleJobs } from '../jobs/job-runner.js';
import { fail } from '../shared/errors.js';
import type { DataClass } from './privacy.tables.js';

const DAY_MS = 86_400_000;
const NIGHTLY = 'privacy.retention-nightly';
const PER_NETWORK = 'privacy.retention';

/**
 * The bounds the platform allows per class, in days. Meter readings stay long enough to settle a
 * billing dispute; charger frames long enough to investigate a fault; a closed ticket long enough
 * to be reopened or audited.
 */
export const RETENTION_BOUNDS: Record<DataClass, { default: number; min: number; max: number }> = {
  charger_messages: { default: 30, min: 7, max: 365 },
  meter_readings: { default: 400, min: 90, max: 3650 },
  closed_tickets: { default: 730, min: 90, max: 3650 },
};

export interface RetentionSetting {
  data_class: DataClass;
  days: number;
  default_days: number;
  min_days: number;
  max_days: number;
}

/** What a network's retention job does: drop or wipe what is older than each class's days. */
export interface RetentionEnforcer {
  enforce(tenantId: string, cutoffs: Record<DataClass, Date>): Promise<Record<DataClass, number>>;
}

/** How long each network keeps each class of data, within bounds, enforced every night. */
export class RetentionService {
  constructor(
    private readonly scopes: Scopes,
    private readonly audit: Pick<AuditService, 'record'>,
    private readonly enforcer: RetentionEnforcer,
  ) {}

  registerJobs(jobs: JobRunner): void {
    jobs.register(NIGHTLY, async (_payload, { now }) => {
      await this.scopes.system(async (tx) => {
        const networks = await tx.selectFrom('networks').select('id').execute();
        await scheduleJobs(
          tx,
          networks.map((n) => ({ kind: PER_NETWORK, key: `${PER_NETWORK}:${n.id}`, tenantId: n.id, runAt: now })),
        );
      });
      await this.scheduleNightly(now);
    });
    jobs.register(PER_NETWORK, async (_payload, ctx) => {
      if (ctx.tenantId) await this.enforce(ctx.tenantId, ctx.now);
    });
  }

  /** The next nightly pass (02:30 UTC), once. */
  scheduleNightly(now = new Date()): Promise<void> {
    const next = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS + 2.5 * 3_600_000);
    if (next <= now) next.setTime(next.getTime() + DAY_MS);
    return this.scopes.system((tx) => scheduleJob(tx, { kind: NIGHTLY, key: NIGHTLY, runAt: next }));
  }

  async settings(tenantId: string): Promise<RetentionSetting[]> {
    const rows = await this.scopes.tenant(tenantId, (tx) =>
      tx.selectFrom('retention_settings').select(['data_class', 'days']).where('tenant_id', '=', tenantId).execute(),
    );
    return (Object.keys(RETENTION_BOUNDS) as DataClass[]).map((dataClass) => {
      const b = RETENTION_BOUNDS[dataClass];
      return {
        data_class: dataClass,
        days: rows.find((r) => r.data_class === dataClass)?.days ?? b.default,
        default_days: b.default,
        min_days: b.min,
        max_days: b.max,
      };
    });
  }

  async set(tenantId: string, actorUserId: string | undefined, dataClass: DataClass, days: number): Promise<RetentionSetting[]> {
    const b = RETENTION_BOUNDS[dataClass];
    if (!b) throw fail.invalid([{ field: 'data_class', message: 'is not a class of data' }]);
    if (!Number.isInteger(days) || days < b.min || days > b.max)
      throw fail.invalid([{ field: 'days', message: `must be a whole number from ${b.min} to ${b.max} for ${dataClass}` }]);
    await this.scopes.tenant(tenantId, (tx) =>
      tx
        .insertInto('retention_settings')
        .values({ tenant_id: tenantId, data_class: dataClass, days })
        .onConflict((oc) => oc.columns(['tenant_id', 'data_class']).doUpdateSet({ days, updated_at: new Date() }))
        .execute(),
    );
    await this.audit.record(tenantId, {
      actorUserId,
      action: 'retention.changed',
      subjectType: 'retention',
      subjectId: dataClass,
      outcome: 'done',
      detail: { days },
    });
    return this.settings(tenantId);
  }

  /** Applies the network's retention as of `now`; returns how many rows each class lost. */
  async enforce(tenantId: string, now = new Date()): Promise<Record<DataClass, number>> {
    const settings = await this.settings(tenantId);
    const cutoffs = Object.fromEntries(settings.map((s) => [s.data_class, new Date(now.getTime() - s.days * DAY_MS)])) as Record<DataClass, Date>;
    return this.enforcer.enforce(tenantId, cutoffs);
  }
}
