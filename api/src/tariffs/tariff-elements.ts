/** OCPI 2.2.1 tariff elements, with prices VAT included in minor units (what a driver pays). */

export type PriceComponentType = 'ENERGY' | 'TIME' | 'PARKING_TIME' | 'FLAT';
export type DayOfWeek = 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY' | 'SUNDAY';

export interface PriceComponent {
  type: PriceComponentType;
  /**
   * Minor units, VAT included: per kWh (ENERGY), per hour (TIME while charging, PARKING_TIME while
   * idle after charging), or once (FLAT).
   * @isInt
   * @minimum 0
   * @maximum 10000000
   */
  price: number;
  /**
   * Billing granularity: Wh for ENERGY, seconds for TIME and PARKING_TIME. The billed total of
   * that dimension is rounded up to a multiple of it.
   * @isInt
   * @minimum 1
   * @maximum 86400
   */
  step_size?: number;
  /**
   * PARKING_TIME only: free minutes of idling after charging ends.
   * @isInt
   * @minimum 0
   * @maximum 1440
   */
  grace_minutes?: number;
}

export interface TariffRestrictions {
  /**
   * Local time of day the element starts to apply, `HH:MM` (the location's time zone).
   * @pattern ^([01]\d|2[0-3]):[0-5]\d$
   * @maxLength 5
   */
  start_time?: string;
  /**
   * Local time of day it stops applying, `HH:MM`; before `start_time` means it runs past midnight.
   * @pattern ^([01]\d|2[0-3]):[0-5]\d$
   * @maxLength 5
   */
  end_time?: string;
  /**
   * First local date it applies, `YYYY-MM-DD`.
   * @pattern ^\d{4}-\d{2}-\d{2}$
   * @maxLength 10
   */
  start_date?: string;
  /**
   * First local date it no longer applies, `YYYY-MM-DD`.
   * @pattern ^\d{4}-\d{2}-\d{2}$
   * @maxLength 10
   */
  end_date?: string;
  /** @minimum 0 */
  min_kwh?: number;
  /** @minimum 0 */
  max_kwh?: number;
  /** Average charging power, kW. @minimum 0 */
  min_power?: number;
  /** @minimum 0 */
  max_power?: number;
  /** Seconds since the session started. @isInt @minimum 0 */
  min_duration?: number;
  /** @isInt @minimum 0 */
  max_duration?: number;
  day_of_week?: DayOfWeek[];
}

export interface TariffElement {
  /** @minItems 1 */
  price_components: PriceComponent[];
  restrictions?: TariffRestrictions;
}

/** What pricing needs of a tariff; kept on a session as it was when the session started. */
export interface TariffTerms {
  tariff_id: string | null;
  currency: string;
  vat_percent: number;
  elements: TariffElement[];
  /** Minor units, VAT included; a session never costs less / more. */
  min_price: number | null;
  max_price: number | null;
  /** The location's IANA time zone: restrictions are local time. */
  time_zone: string;
  display_text?: string | null;
}

export const DAYS: DayOfWeek[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
