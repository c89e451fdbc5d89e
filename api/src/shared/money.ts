/** An amount of money: integer minor units of an ISO 4217 currency. */
export interface Money {
  /** Minor units (cents). */
  amount: number;
  /** ISO 4217. */
  currency: string;
}

/** Minor units as money text, e.g. 684 EUR → `€6.84` (the currency's own number of decimals). */
export function formatMinor(minor: number, currency: string, locale = 'en-GB'): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}
