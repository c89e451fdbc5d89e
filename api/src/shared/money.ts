/** Minor units as money text, e.g. 684 EUR → `€6.84` (the currency's own number of decimals). */
export function formatMinor(minor: number, currency: string, locale = 'en-GB'): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}
