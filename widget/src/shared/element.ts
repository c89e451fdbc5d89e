import { updateWhenLocaleChanges } from '@lit/localize';
import { VoltshareError } from '@voltshare/sdk';
import { LitElement, type PropertyDeclarations, type PropertyValues } from 'lit';
import { apiBaseOf, type Connection, connect } from './connection.js';
import { getLocale, useLocale } from './localization.js';
import { problemText } from './problems.js';

/**
 * What every Voltshare element shares: where the API is, the credential (a publishable key for
 * public reads, a driver's access token for their own bookings and sessions), and the language.
 */
export abstract class VoltshareElement extends LitElement {
  static override properties: PropertyDeclarations = {
    apiBase: { type: String, attribute: 'api-base' },
    publishableKey: { type: String, attribute: 'publishable-key' },
    token: { type: String },
    locale: { type: String },
  };

  declare apiBase: string | undefined;
  declare publishableKey: string | undefined;
  declare token: string | undefined;
  declare locale: string | undefined;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  protected get connection(): Connection {
    return connect(apiBaseOf(this.apiBase), this.token ?? this.publishableKey);
  }

  /** The typed API client for this element's credential. */
  protected get api() {
    return this.connection.client;
  }

  /** The language numbers, money and dates are formatted in. */
  protected get language(): string {
    return getLocale();
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('locale')) void useLocale(this.locale);
  }

  /** A known refusal in the driver's language, else the problem's own words (the API's `detail`), else a generic line. */
  protected describe(error: unknown, fallback: string): string {
    if (!(error instanceof VoltshareError)) return fallback;
    const known = problemText(error.code);
    if (known) return known;
    const fields = error.problem.errors?.map((e) => e.message).join('; ');
    return fields || error.problem.detail || error.problem.title || fallback;
  }
}
