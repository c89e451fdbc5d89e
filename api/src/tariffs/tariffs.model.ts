import type { CurrencyCode } from '../shared/validation.js';

export interface TariffInput {
  currency: CurrencyCode;
  /**
   * Minor units per kWh, VAT included.
   * @isInt
   * @minimum 0
   */
  energy_price_per_kwh?: number;
  /**
   * Minor units per session, VAT included.
   * @isInt
   * @minimum 0
   */
  flat_price?: number;
  /**
   * Minor units per hour of charging, VAT included.
   * @isInt
   * @minimum 0
   */
  time_price_per_hour?: number;
  /**
   * @minimum 0
   * @maximum 100
   */
  vat_percent?: number;
  /** @maxLength 512 */
  display_text?: string;
}

export interface Tariff {
  id: string;
  currency: string;
  energy_price_per_kwh: number | null;
  flat_price: number | null;
  time_price_per_hour: number | null;
  vat_percent: number;
  display_text: string | null;
  created_at: Date;
}
