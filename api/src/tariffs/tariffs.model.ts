import type { CurrencyCode } from '../shared/validation.js';
import type { PriceComponentType, TariffElement } from './tariff-elements.js';

export interface TariffInput {
  currency: CurrencyCode;
  /**
   * OCPI tariff elements: for each dimension the first element whose restrictions hold applies.
   * Give these, or the three simple prices below (one unrestricted element).
   */
  elements?: TariffElement[];
  /**
   * Minor units per kWh, VAT included.
   * @isInt
   * @minimum 0
   * @maximum 10000000
   */
  energy_price_per_kwh?: number;
  /**
   * Minor units per session, VAT included.
   * @isInt
   * @minimum 0
   * @maximum 10000000
   */
  flat_price?: number;
  /**
   * Minor units per hour of charging, VAT included.
   * @isInt
   * @minimum 0
   * @maximum 10000000
   */
  time_price_per_hour?: number;
  /**
   * @minimum 0
   * @maximum 100
   */
  vat_percent?: number;
  /**
   * A session never costs less (minor units, VAT included).
   * @isInt
   * @minimum 0
   * @maximum 10000000
   */
  min_price?: number;
  /**
   * A session never costs more (minor units, VAT included).
   * @isInt
   * @minimum 0
   * @maximum 10000000
   */
  max_price?: number;
  /** @maxLength 512 */
  display_text?: string;
}

export interface Tariff {
  id: string;
  currency: string;
  elements: TariffElement[];
  /** The headline prices shown in search results: the highest of each dimension. */
  energy_price_per_kwh: number | null;
  flat_price: number | null;
  time_price_per_hour: number | null;
  vat_percent: number;
  min_price: number | null;
  max_price: number | null;
  display_text: string | null;
  created_at: Date;
}

export interface PreviewComponent {
  type: PriceComponentType;
  /** Minor units per `unit`, VAT included. */
  price: number;
  unit: 'kWh' | 'h' | 'session';
  /** PARKING_TIME: free minutes after charging ends. */
  grace_minutes?: number;
  step_size?: number;
  /** The tariff element it comes from. */
  element: number;
}

/** Every price component that applies when a session starts at `at` (EU AFIR: shown before start). */
export interface PricePreview {
  evse_uid: string;
  tariff_id: string;
  at: Date;
  currency: string;
  vat_percent: number;
  components: PreviewComponent[];
  min_price: number | null;
  max_price: number | null;
  display_text: string | null;
  /** The whole tariff, for the prices at other times (time of use, kWh tiers, idle fees). */
  elements: TariffElement[];
}

/** A network's off-peak rules for a tariff: prices follow its sites' demand forecast, published a day ahead. */
export interface DynamicPricingInput {
  /** Off the energy price in hours its sites are forecast quiet. @minimum 0 @maximum 50 */
  quiet_discount_percent: number;
  /** On the energy price in hours forecast at peak. @minimum 0 @maximum 50 */
  peak_surcharge_percent: number;
  /** An hour is quiet when at least this share of the EVSEs is forecast free (default 0.6). @minimum 0 @maximum 1 */
  quiet_free_share?: number;
  /** An hour is at peak when at least this share is forecast busy (default 0.8). @minimum 0 @maximum 1 */
  peak_busy_share?: number;
  /** The energy price never goes below this (minor units per kWh, VAT included). @isInt @minimum 0 @maximum 10000000 */
  min_energy_price?: number;
  /** …nor above this. @isInt @minimum 0 @maximum 10000000 */
  max_energy_price?: number;
  /** Held: nothing more is published (what is already published stays, as announced). */
  held?: boolean;
}

export interface DynamicPricing extends Required<Omit<DynamicPricingInput, 'min_energy_price' | 'max_energy_price'>> {
  tariff_id: string;
  min_energy_price: number | null;
  max_energy_price: number | null;
  /** Local dates with a published day version, soonest first. */
  published_days: string[];
  updated_at: Date;
}

/** One hour of a day version: what the forecast says and the energy price it sets. */
export interface DynamicHour {
  /** Local `HH:00`. */
  hour: string;
  starts_at: Date;
  expected_busy_share: number;
  /** `grid_event`: the site's utility signalled a peak (a grid power limit) in the hour: surcharged like a forecast peak. */
  kind: 'quiet' | 'peak' | 'grid_event' | 'normal';
  /** The base energy price then, and the day version's (minor units per kWh, VAT included). */
  base_price: number | null;
  price: number | null;
}

/** A day version as it would be (preview) or was published. */
export interface DynamicDay {
  tariff_id: string;
  /** Local date, `YYYY-MM-DD`. */
  day: string;
  time_zone: string;
  /** `high`/`low` as the sites' forecasts; `none`: no history, so no change. */
  confidence: 'high' | 'low' | 'none';
  hours: DynamicHour[];
  /** The OCPI elements that carry it, put before the tariff's own. */
  elements: TariffElement[];
  published: boolean;
  held: boolean;
}

/** A draft tariff and one example session to price with it, before the tariff is created. */
export interface TariffQuoteInput {
  tariff: TariffInput;
  /**
   * Energy the example session delivers (kWh).
   * @minimum 0
   * @maximum 1000
   */
  energy_kwh: number;
  /** When the example session starts. */
  starts_at: Date;
  /**
   * Minutes the car charges, delivering the energy evenly.
   * @isInt
   * @minimum 1
   * @maximum 2880
   */
  charging_minutes: number;
  /**
   * Minutes it stays plugged in after charging (parking).
   * @isInt
   * @minimum 0
   * @maximum 2880
   */
  parking_minutes?: number;
  /**
   * The site's IANA time zone, for time-of-day restrictions (default UTC).
   * @maxLength 64
   */
  time_zone?: string;
}
