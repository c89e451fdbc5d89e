import type { Logger } from 'pino';
import type { ForecastingService } from '../forecasting/forecasting.service.js';
import type { JobRunner } from '../jobs/job-runner.js';
import { fail } from '../shared/errors.js';
import { nextDay, toLocalIso } from '../shared/local-time.js';
import type { SiteLimitsService } from '../site-limits/site-limits.service.js';
import { dayVersion } from '../tariffs/dynamic-pricing.js';
import type { DynamicDay } from '../tariffs/tariffs.model.js';
import { DYNAMIC_DAY_JOB, type TariffsService } from '../tariffs/tariffs.service.js';

const HOUR = 3_600_000;

/**
 * Dynamic off-peak prices: a tariff's next day, hour by hour, from the demand forecast of the
 * sites that use it (forecasting), their utility's peak events (site-limits' grid signals) and the
 * network's rules (tariffs), published the evening before
 * as OCPI elements restricted to that date — so what a driver is shown before starting is what
 * the pricing engine charges, and nothing announced changes afterwards.
 */
export class DynamicPricingFlow {
  constructor(
    private readonly tariffs: TariffsService,
    private readonly forecasting: ForecastingService,
    private readonly siteLimits: Pick<SiteLimitsService, 'gridEvents'>,
    private readonly logger: Logger,
  ) {}

  registerJobs(jobs: JobRunner): void {
    jobs.register(DYNAMIC_DAY_JOB, async (payload: { tariff_id: string }, { tenantId, now }) => {
      if (!tenantId) return;
      const day = await this.tomorrow(tenantId, payload.tariff_id, now);
      if (!day.held && day.elements.length > 0) await this.tariffs.publishDay(tenantId, payload.tariff_id, day.day, day.elements, now);
      this.logger.info(
        { tariff_id: payload.tariff_id, day: day.day, held: day.held, changed_hours: day.hours.filter((h) => h.kind !== 'normal').length },
        'dynamic day version',
      );
      await this.tariffs.scheduleNextDynamicDay(tenantId, payload.tariff_id, now);
    });
  }

  /** What tomorrow's version would be, for operators to check (or hold) before it is published. */
  preview(tenantId: string, tariffId: string, now = new Date()): Promise<DynamicDay> {
    return this.tomorrow(tenantId, tariffId, now);
  }

  /** Publishes tomorrow's version now (otherwise the evening job does). */
  async publish(tenantId: string, tariffId: string, now = new Date()): Promise<DynamicDay> {
    const day = await this.tomorrow(tenantId, tariffId, now);
    if (day.held) throw fail.conflict('Dynamic pricing is held for this tariff.', 'dynamic-pricing-held');
    await this.tariffs.publishDay(tenantId, tariffId, day.day, day.elements, now);
    return { ...day, published: true };
  }

  private async tomorrow(tenantId: string, tariffId: string, now: Date): Promise<DynamicDay> {
    const basis = await this.tariffs.dynamicBasis(tenantId, tariffId);
    if (!basis) throw fail.notFound('dynamic pricing for tariff', tariffId);
    const { rules, base, sites, publishedDays } = basis;
    const day = nextDay(toLocalIso(now, base.time_zone).slice(0, 10));
    // Two days of forecast reach the end of tomorrow from any hour today.
    const outlooks = await Promise.all(sites.map((site) => this.forecasting.outlook(tenantId, site, now, 48)));
    const known = outlooks.filter((o) => o.confidence !== 'none');
    const confidence = known.length === 0 ? 'none' : known.some((o) => o.confidence === 'low') ? 'low' : 'high';
    const evses = known.reduce((n, o) => n + o.evses, 0);
    const busyShareAt = (at: Date) => {
      if (evses === 0) return null;
      let busy = 0;
      for (const o of known) {
        const hour = o.hours.find((h) => h.starts_at.getTime() <= at.getTime() && at.getTime() < h.starts_at.getTime() + HOUR);
        if (!hour) return null;
        busy += hour.expected_busy_evses;
      }
      return busy / evses;
    };
    const events = await this.siteLimits.gridEvents(tenantId, sites, now, new Date(now.getTime() + 48 * HOUR));
    const gridEventAt = (from: Date, to: Date) => events.some((e) => e.starts_at < to && (e.ends_at === null || e.ends_at > from));
    const version = dayVersion(base, day, busyShareAt, rules, gridEventAt);
    return {
      tariff_id: tariffId,
      day,
      time_zone: base.time_zone,
      confidence,
      hours: version.hours,
      // Without any history (and no peak event) the forecast says nothing: the price stays.
      elements: confidence === 'none' && !version.hours.some((h) => h.kind === 'grid_event') ? [] : version.elements,
      published: publishedDays.includes(day),
      held: rules.held,
    };
  }
}
