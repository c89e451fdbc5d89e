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
