import type { ConnectorStandard } from '../locations/locations.model.js';
import type { DisplayName, Email, Locale, Password } from '../shared/validation.js';

export interface DriverRegistration {
  email: Email;
  name: DisplayName;
  password: Password;
  /** Language for the app, receipts and notifications. */
  locale?: Locale;
  /**
   * The version of the terms the driver accepted at sign-up (the app asks for it; it is recorded with the time).
   * @maxLength 32
   * @pattern ^[A-Za-z0-9._-]+$
   */
  accepted_terms_version?: string;
}

/**
 * A car as its driver names it ("Renault Zoe 52 kWh").
 * @minLength 1
 * @maxLength 80
 */
export type VehicleName = string;

/** Which notifications a driver wants, in the app and as push messages. */
export interface NotificationChoices {
  queue_offers?: boolean;
  booking_reminders?: boolean;
  session_end?: boolean;
  fee_failures?: boolean;
  /** Off by default (consent): a push an hour or two before a usual busy hour at the driver's usual station, when a quieter hour is near — at most one a day. */
  off_peak_nudges?: boolean;
}

/** A driver's settings in the app; a field left out is kept as it was. */
export interface DriverPreferences {
  /** Distances in kilometres or miles. */
  units?: 'metric' | 'imperial';
  /** The connector the map and bookings start with. */
  default_connector?: ConnectorStandard | null;
  /** The car, as the driver names it. */
  vehicle?: VehicleName | null;
  /**
   * The car's usable battery, kWh: with the state of charge the charger reports, the site plans the
   * energy the car still needs when the driver has not said how much they want.
   * @minimum 5
   * @maximum 300
   */
  battery_kwh?: number | null;
  notifications?: NotificationChoices;
}

export interface DriverProfile {
  preferences: DriverPreferences;
  /** The terms version accepted at sign-up; null for accounts made before the app asked. */
  terms_version: string | null;
  terms_accepted_at: Date | null;
}
