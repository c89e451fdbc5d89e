import type { Scopes, Tx } from '../db/tenancy.js';
import { scheduleJob } from '../jobs/job-runner.js';
import { isValidTimeZone } from '../locations/opening-hours.js';
import { type DomainFieldError, fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { isCalendarDate, nextDay, toLocalIso, zonedTime } from '../shared/local-time.js';
import { newestFirst, type Page, type PageRequest } from '../shared/pagination.js';
import type { DynamicRules } from './dynamic-pricing.js';
import { componentsAt, priceSession, type SessionCost } from './pricing.js';
import type { TariffElement, TariffTerms } from './tariff-elements.js';
import type { DynamicPricing, DynamicPricingInput, PricePreview, Tariff, TariffInput, TariffQuoteInput } from './tariffs.model.js';

type Row = {
  id: string;
  currency: string;
  elements: unknown;
  energy_price_per_kwh: number | null;
  flat_price: number | null;
  time_price_per_hour: number | null;
  vat_percent: number | string;
  min_price: number | string | null;
  max_price: number | string | null;
  display_text: string | null;
  created_at: Date;
};

const nullableNumber = (v: number | string | null) => (v === null ? null : Number(v));
const toTariff = (r: Row): Tariff => ({
  id: r.id,
  currency: r.currency,
  elements: r.elements as TariffElement[],
  energy_price_per_kwh: r.energy_price_per_kwh,
  flat_price: r.flat_price,
  time_price_per_hour: r.time_price_per_hour,
  vat_percent: Number(r.vat_percent),
  min_price: nullableNumber(r.min_price),
  max_price: nullableNumber(r.max_price),
  display_text: r.display_text,
  created_at: r.created_at,
});

/** What OCPI's schema cannot say: the rules between fields of a tariff. */
function check(input: TariffInput): DomainFieldError[] {
  const errors: DomainFieldError[] = [];
  const simple = [input.energy_price_per_kwh, input.flat_price, input.time_price_per_hour].some((p) => p !== undefined);
  if (input.elements && simple) errors.push({ field: 'elements', message: 'give either elements or the simple prices, not both' });
  if (!input.elements?.length && !simple) errors.push({ field: 'body', message: 'a tariff needs elements or at least one price' });
  if (input.min_price !== undefined && input.max_price !== undefined && input.min_price > input.max_price)
    errors.push({ field: 'min_price', message: 'must not exceed max_price' });
  for (const [i, element] of (input.elements ?? []).entries()) {
    const at = `elements[${i}]`;
    const types = element.price_components.map((c) => c.type);
    if (new Set(types).size !== types.length) errors.push({ field: `${at}.price_components`, message: 'each type at most once per element' });
    for (const [j, c] of element.price_components.entries()) {
      if (c.grace_minutes !== undefined && c.type !== 'PARKING_TIME')
        errors.push({ field: `${at}.price_components[${j}].grace_minutes`, message: 'only for PARKING_TIME' });
      if (c.step_size !== undefined && c.type === 'FLAT') errors.push({ field: `${at}.price_components[${j}].step_size`, message: 'not for FLAT' });
    }
    const r = element.restrictions;
    if (!r) continue;
    for (const key of ['start_date', 'end_date'] as const) {
      const value = r[key];
      if (value !== undefined && !isCalendarDate(value)) errors.push({ field: `${at}.restrictions.${key}`, message: 'must be a calendar date YYYY-MM-DD' });
    }
    const ordered: [keyof typeof r, keyof typeof r][] = [
      ['start_date', 'end_date'],
      ['min_kwh', 'max_kwh'],
      ['min_power', 'max_power'],
      ['min_duration', 'max_duration'],
    ];
    for (const [low, high] of ordered) {
      const a = r[low];
      const b = r[high];
      if (a !== undefined && b !== undefined && a >= b) errors.push({ field: `${at}.restrictions.${low}`, message: `must be less than ${high}` });
    }
    if (r.start_time !== undefined && r.start_time === r.end_time)
      errors.push({ field: `${at}.restrictions.end_time`, message: 'must differ from start_time' });
  }
  return errors;
}

/** One unrestricted element from the simple prices. */
function elementsOf(input: TariffInput): TariffElement[] {
  if (input.elements) return input.elements;
  const components = [
    input.energy_price_per_kwh !== undefined && { type: 'ENERGY' as const, price: input.energy_price_per_kwh },
    input.time_price_per_hour !== undefined && { type: 'TIME' as const, price: input.time_price_per_hour },
    input.flat_price !== undefined && { type: 'FLAT' as const, price: input.flat_price },
  ].filter((c) => c !== false);
  return [{ price_components: components }];
}

/**
 * Search results show one price per dimension: the highest any element charges, so a list never
 * understates what a driver may pay (the price preview gives the exact price for a moment).
 */
function headline(elements: TariffElement[]): { energy: number | null; time: number | null; flat: number | null } {
  const highest = (type: string) => {
    const prices = elements.flatMap((e) => e.price_components.filter((c) => c.type === type).map((c) => c.price));
    return prices.length ? Math.max(...prices) : null;
  };
  return { energy: highest('ENERGY'), time: highest('TIME'), flat: highest('FLAT') };
}

/** The job that publishes a tariff's next day version (handled by the dynamic pricing flow). */
export const DYNAMIC_DAY_JOB = 'tariffs.dynamic-day';
/** Day versions are published at this local hour the day before. */
const PUBLISH_HOUR = 18;

/** The next local 18:00 after `now`. */
function publishTime(now: Date, timeZone: string): Date {
  const today = toLocalIso(now, timeZone).slice(0, 10);
  const at = (day: string) => {
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    return zonedTime(y, m, d, PUBLISH_HOUR, 0, timeZone);
  };
  const tonight = at(today);
  return tonight > now ? tonight : at(nextDay(today));
}

function toDynamicPricing(r: {
  tariff_id: string;
  quiet_discount_percent: number;
  peak_surcharge_percent: number;
  quiet_free_share: number;
  peak_busy_share: number;
  min_energy_price: number | null;
  max_energy_price: number | null;
  held: boolean;
  published_days: Record<string, TariffElement[]>;
  updated_at: Date;
}): DynamicPricing {
  return {
    tariff_id: r.tariff_id,
    quiet_discount_percent: Number(r.quiet_discount_percent),
    peak_surcharge_percent: Number(r.peak_surcharge_percent),
    quiet_free_share: Number(r.quiet_free_share),
    peak_busy_share: Number(r.peak_busy_share),
    min_energy_price: r.min_energy_price,
    max_energy_price: r.max_energy_price,
    held: r.held,
    published_days: Object.keys(r.published_days).sort(),
    updated_at: r.updated_at,
  };
}

/**
 * Tariffs a network defines (OCPI 2.2.1 elements) and assigns to connectors, the terms a
 * session is priced with, and the price a driver sees before starting.
 */
export class TariffsService {
  constructor(private readonly scopes: Scopes) {}

  async create(tenantId: string, input: TariffInput): Promise<Tariff> {
    const errors = check(input);
    if (errors.length) throw fail.invalid(errors);
    const elements = elementsOf(input);
    const top = headline(elements);
    const row = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .insertInto('tariffs')
        .values({
          tenant_id: tenantId,
          id: newId('trf'),
          currency: input.currency,
          elements: JSON.stringify(elements),
          energy_price_per_kwh: top.energy,
          flat_price: top.flat,
          time_price_per_hour: top.time,
          vat_percent: input.vat_percent ?? 0,
          min_price: input.min_price ?? null,
          max_price: input.max_price ?? null,
          display_text: input.display_text ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    return toTariff(row as Row);
  }

  /**
   * What the example session would cost under a draft tariff (the console's editor previews a
   * tariff before it is created): the same checks as `create`, the same pricing as a session.
   */
  quote(input: TariffQuoteInput): SessionCost {
    const errors = check(input.tariff).map((e) => ({ ...e, field: `tariff.${e.field}` }));
    const zone = input.time_zone ?? 'UTC';
    if (!isValidTimeZone(zone)) errors.push({ field: 'time_zone', message: 'is not an IANA time zone' });
    if (Number.isNaN(input.starts_at.getTime())) errors.push({ field: 'starts_at', message: 'must be a date-time' });
    if (errors.length) throw fail.invalid(errors);
    const start = input.starts_at;
    const charged = new Date(start.getTime() + input.charging_minutes * 60_000);
    const end = new Date(charged.getTime() + (input.parking_minutes ?? 0) * 60_000);
    const energyWh = Math.round(input.energy_kwh * 1000);
    const readings = [{ at: start, energyWh: 0 }, { at: charged, energyWh }, ...(end > charged ? [{ at: end, energyWh }] : [])];
    const terms: TariffTerms = {
      tariff_id: null,
      currency: input.tariff.currency,
      vat_percent: input.tariff.vat_percent ?? 0,
      elements: elementsOf(input.tariff),
      min_price: input.tariff.min_price ?? null,
      max_price: input.tariff.max_price ?? null,
      time_zone: zone,
    };
    return priceSession(terms, start, end, readings);
  }

  async get(tenantId: string, id: string): Promise<Tariff> {
    const row = await this.scopes.tenant(tenantId, (tx) =>
      tx.selectFrom('tariffs').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(),
    );
    if (!row) throw fail.notFound('tariff', id);
    return toTariff(row as Row);
  }

  list(tenantId: string, page: PageRequest): Promise<Page<Tariff>> {
    return newestFirst(
      page,
      (before, limit) =>
        this.scopes.tenant(tenantId, (tx) =>
          tx
            .selectFrom('tariffs')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .$if(before !== undefined, (q) => q.where('id', '<', before as string))
            .orderBy('id', 'desc')
            .limit(limit)
            .execute(),
        ),
      (r) => toTariff(r as Row),
    );
  }

  /**
   * Sets a tariff's dynamic off-peak rules. Its elements as they are now become its base; from
   * then on a day version is published each evening for the next day (unless held), put before
   * the base. Nothing already published changes.
   */
  async setDynamicPricing(tenantId: string, tariffId: string, input: DynamicPricingInput, now = new Date()): Promise<DynamicPricing> {
    if (input.min_energy_price !== undefined && input.max_energy_price !== undefined && input.min_energy_price > input.max_energy_price)
      throw fail.invalid([{ field: 'min_energy_price', message: 'is above max_energy_price' }]);
    const row = await this.scopes.tenant(tenantId, async (tx) => {
      const tariff = await tx.selectFrom('tariffs').select('elements').where('tenant_id', '=', tenantId).where('id', '=', tariffId).executeTakeFirst();
      if (!tariff) throw fail.notFound('tariff', tariffId);
      const existing = await tx
        .selectFrom('tariff_dynamic_rules')
        .select('base_elements')
        .where('tenant_id', '=', tenantId)
        .where('tariff_id', '=', tariffId)
        .executeTakeFirst();
      const values = {
        quiet_discount_percent: input.quiet_discount_percent,
        peak_surcharge_percent: input.peak_surcharge_percent,
        quiet_free_share: input.quiet_free_share ?? 0.6,
        peak_busy_share: input.peak_busy_share ?? 0.8,
        min_energy_price: input.min_energy_price ?? null,
        max_energy_price: input.max_energy_price ?? null,
        held: input.held ?? false,
        updated_at: now,
      };
      const saved = await tx
        .insertInto('tariff_dynamic_rules')
        .values({
          tenant_id: tenantId,
          tariff_id: tariffId,
          ...values,
          // The base is what the network set, never a day version.
          base_elements: JSON.stringify(existing?.base_elements ?? tariff.elements),
        })
        .onConflict((oc) => oc.columns(['tenant_id', 'tariff_id']).doUpdateSet(values))
        .returningAll()
        .executeTakeFirstOrThrow();
      const zone = await this.tariffTimeZone(tx, tenantId, tariffId);
      await scheduleJob(tx, {
        kind: DYNAMIC_DAY_JOB,
        key: `${DYNAMIC_DAY_JOB}:${tenantId}:${tariffId}`,
        tenantId,
        runAt: publishTime(now, zone ?? 'UTC'),
        payload: { tariff_id: tariffId },
      });
      return saved;
    });
    return toDynamicPricing(row);
  }

  async dynamicPricing(tenantId: string, tariffId: string): Promise<DynamicPricing> {
    const row = await this.scopes.tenant(tenantId, (tx) =>
      tx.selectFrom('tariff_dynamic_rules').selectAll().where('tenant_id', '=', tenantId).where('tariff_id', '=', tariffId).executeTakeFirst(),
    );
    if (!row) throw fail.notFound('dynamic pricing for tariff', tariffId);
    return toDynamicPricing(row);
  }

  /** What a day version is built from: the rules, the base terms (in the tariff's time zone) the sites that use the tariff and the days already published. */
  async dynamicBasis(
    tenantId: string,
    tariffId: string,
  ): Promise<{ rules: DynamicRules & { held: boolean }; base: TariffTerms; sites: string[]; publishedDays: string[] } | undefined> {
    return this.scopes.tenant(tenantId, async (tx) => {
      const row = await tx
        .selectFrom('tariff_dynamic_rules as r')
        .innerJoin('tariffs as t', (j) => j.onRef('t.tenant_id', '=', 'r.tenant_id').onRef('t.id', '=', 'r.tariff_id'))
        .select(['r.quiet_discount_percent', 'r.peak_surcharge_percent', 'r.quiet_free_share', 'r.peak_busy_share', 'r.min_energy_price', 'r.max_energy_price'])
        .select(['r.held', 'r.base_elements', 'r.published_days', 't.currency', 't.vat_percent', 't.min_price', 't.max_price', 't.display_text'])
        .where('r.tenant_id', '=', tenantId)
        .where('r.tariff_id', '=', tariffId)
        .executeTakeFirst();
      if (!row) return undefined;
      const sites = await tx
        .selectFrom('connectors')
        .innerJoin('evses', (j) => j.onRef('evses.tenant_id', '=', 'connectors.tenant_id').onRef('evses.id', '=', 'connectors.evse_id'))
        .select('evses.location_id')
        .distinct()
        .where('connectors.tenant_id', '=', tenantId)
        .where('connectors.tariff_id', '=', tariffId)
        .where('evses.status', '<>', 'REMOVED')
        .execute();
      return {
        rules: {
          quiet_discount_percent: Number(row.quiet_discount_percent),
          peak_surcharge_percent: Number(row.peak_surcharge_percent),
          quiet_free_share: Number(row.quiet_free_share),
          peak_busy_share: Number(row.peak_busy_share),
          min_energy_price: row.min_energy_price,
          max_energy_price: row.max_energy_price,
          held: row.held,
        },
        base: {
          tariff_id: tariffId,
          currency: row.currency,
          vat_percent: Number(row.vat_percent),
          elements: row.base_elements,
          min_price: nullableNumber(row.min_price as number | null),
          max_price: nullableNumber(row.max_price as number | null),
          time_zone: (await this.tariffTimeZone(tx, tenantId, tariffId)) ?? 'UTC',
          display_text: row.display_text,
        },
        sites: sites.map((x) => x.location_id),
        publishedDays: Object.keys(row.published_days).sort(),
      };
    });
  }

  /**
   * Publishes a day version: its elements (restricted to that date) go before the base; versions
   * of days past are dropped. Only a day after today can be published, so no price a driver was
   * shown changes. Schedules the next evening's run.
   */
  async publishDay(tenantId: string, tariffId: string, day: string, elements: TariffElement[], now = new Date()): Promise<void> {
    await this.scopes.tenant(tenantId, async (tx) => {
      const rules = await tx
        .selectFrom('tariff_dynamic_rules')
        .select(['base_elements', 'published_days', 'held'])
        .where('tenant_id', '=', tenantId)
        .where('tariff_id', '=', tariffId)
        .forUpdate()
        .executeTakeFirst();
      if (!rules) throw fail.notFound('dynamic pricing for tariff', tariffId);
      const zone = (await this.tariffTimeZone(tx, tenantId, tariffId)) ?? 'UTC';
      const today = toLocalIso(now, zone).slice(0, 10);
      if (day <= today) throw fail.conflict('Only days after today can be published: the prices drivers see today stay as announced.', 'day-not-ahead');
      if (rules.held) throw fail.conflict('Dynamic pricing is held for this tariff.', 'dynamic-pricing-held');
      const days = Object.fromEntries(Object.entries(rules.published_days).filter(([d]) => d >= today && d !== day));
      days[day] = elements;
      const dated = Object.keys(days)
        .sort()
        .flatMap((d) => days[d] as TariffElement[]);
      await tx
        .updateTable('tariff_dynamic_rules')
        .set({ published_days: JSON.stringify(days), updated_at: now })
        .where('tenant_id', '=', tenantId)
        .where('tariff_id', '=', tariffId)
        .execute();
      await tx
        .updateTable('tariffs')
        .set({ elements: JSON.stringify([...dated, ...rules.base_elements]), updated_at: now })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', tariffId)
        .execute();
    });
  }

  /** The next evening's publishing run (after a run, held or not). */
  async scheduleNextDynamicDay(tenantId: string, tariffId: string, now: Date): Promise<void> {
    await this.scopes.tenant(tenantId, async (tx) => {
      const zone = (await this.tariffTimeZone(tx, tenantId, tariffId)) ?? 'UTC';
      await scheduleJob(tx, {
        kind: DYNAMIC_DAY_JOB,
        key: `${DYNAMIC_DAY_JOB}:${tenantId}:${tariffId}`,
        tenantId,
        runAt: publishTime(new Date(now.getTime() + 60_000), zone),
        payload: { tariff_id: tariffId },
      });
    });
  }

  /** The time zone of the first site using the tariff (a tariff's day is its sites' day). */
  private async tariffTimeZone(tx: Tx, tenantId: string, tariffId: string): Promise<string | undefined> {
    const row = await tx
      .selectFrom('connectors')
      .innerJoin('evses', (j) => j.onRef('evses.tenant_id', '=', 'connectors.tenant_id').onRef('evses.id', '=', 'connectors.evse_id'))
      .innerJoin('locations', (j) => j.onRef('locations.tenant_id', '=', 'evses.tenant_id').onRef('locations.id', '=', 'evses.location_id'))
      .select('locations.time_zone')
      .where('connectors.tenant_id', '=', tenantId)
      .where('connectors.tariff_id', '=', tariffId)
      .orderBy('locations.id')
      .executeTakeFirst();
    return row?.time_zone;
  }

  /** The terms of the tariff on an EVSE's connectors (the first one that has a tariff), in its location's time zone. */
  async termsForEvse(tx: Tx, tenantId: string, evseUid: string): Promise<TariffTerms | undefined> {
    const row = await tx
      .selectFrom('connectors')
      .innerJoin('tariffs', (j) => j.onRef('tariffs.tenant_id', '=', 'connectors.tenant_id').onRef('tariffs.id', '=', 'connectors.tariff_id'))
      .innerJoin('evses', (j) => j.onRef('evses.tenant_id', '=', 'connectors.tenant_id').onRef('evses.id', '=', 'connectors.evse_id'))
      .innerJoin('locations', (j) => j.onRef('locations.tenant_id', '=', 'evses.tenant_id').onRef('locations.id', '=', 'evses.location_id'))
      .select([
        'tariffs.id',
        'tariffs.currency',
        'tariffs.vat_percent',
        'tariffs.elements',
        'tariffs.min_price',
        'tariffs.max_price',
        'tariffs.display_text',
        'locations.time_zone',
      ])
      .where('connectors.tenant_id', '=', tenantId)
      .where('connectors.evse_id', '=', evseUid)
      .orderBy('connectors.id')
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      tariff_id: row.id,
      currency: row.currency,
      vat_percent: Number(row.vat_percent),
      elements: row.elements as TariffElement[],
      min_price: nullableNumber(row.min_price as number | null),
      max_price: nullableNumber(row.max_price as number | null),
      time_zone: row.time_zone,
      display_text: row.display_text,
    };
  }

  /** The price before start of a public EVSE (or one of the caller's own network). */
  async preview(tenantId: string | undefined, evseUid: string, at: Date): Promise<PricePreview> {
    const found = await this.scopes.public(tenantId, async (tx) => {
      const evse = await tx.selectFrom('evses').select(['tenant_id']).where('id', '=', evseUid).where('status', '!=', 'REMOVED').executeTakeFirst();
      return evse ? { owner: evse.tenant_id } : undefined;
    });
    if (!found) throw fail.notFound('EVSE', evseUid);
    const terms = await this.scopes.tenant(found.owner, (tx) => this.termsForEvse(tx, found.owner, evseUid));
    if (!terms?.tariff_id) throw fail.notFound('price for EVSE', evseUid);
    return {
      evse_uid: evseUid,
      tariff_id: terms.tariff_id,
      at,
      currency: terms.currency,
      vat_percent: terms.vat_percent,
      components: componentsAt(terms, at).map(({ type, index, component }) => ({
        type,
        price: component.price,
        unit: type === 'ENERGY' ? 'kWh' : type === 'FLAT' ? 'session' : 'h',
        ...(component.grace_minutes !== undefined ? { grace_minutes: component.grace_minutes } : {}),
        ...(component.step_size !== undefined ? { step_size: component.step_size } : {}),
        element: index,
      })),
      min_price: terms.min_price,
      max_price: terms.max_price,
      display_text: terms.display_text ?? null,
      elements: terms.elements,
    };
  }
}
