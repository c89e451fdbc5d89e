import type { DisplayName, Email, Locale, Password } from '../shared/validation.js';

export interface DriverRegistration {
  email: Email;
  name: DisplayName;
  password: Password;
  /** Language for the app, receipts and notifications. */
  locale?: Locale;
}
