/** Unit formatting shared by every component: power in W, energy in Wh, money in minor units. */

// kW and kWh are not among Intl's sanctioned units, so the number is localised and the SI
// symbol follows after a no-break space (the same in every language).
export function formatPower(watts: number, locale: string): string {
  const kw = watts / 1000;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: kw < 10 ? 1 : 0 }).format(kw)}\u00a0kW`;
}

export function formatEnergy(wattHours: number, locale: string): string {
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(wattHours / 1000)}\u00a0kWh`;
}

export function formatMoney(minorUnits: number, currency: string, locale: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits);
}

/** Metres as the driver reads distances: metres and kilometres, or miles for `imperial`. */
export function formatDistance(metres: number, locale: string, units: 'metric' | 'imperial' = 'metric'): string {
  if (units === 'imperial') return new Intl.NumberFormat(locale, { style: 'unit', unit: 'mile', maximumFractionDigits: 1 }).format(metres / 1609.344);
  return metres < 1000
    ? new Intl.NumberFormat(locale, { style: 'unit', unit: 'meter', maximumFractionDigits: 0 }).format(Math.round(metres / 10) * 10)
    : new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilometer', maximumFractionDigits: 1 }).format(metres / 1000);
}

/** A time of day, the same way in every element: `21:00` in German, `9:00 PM` in US English. */
export function formatClock(at: string | Date, locale: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone }).format(new Date(at));
}

/** A date and time, as receipts and history show them. */
export function formatDateTime(at: string | Date, locale: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(at));
}

/** A duration in hours and minutes (`1 h 05 min` style, per locale). */
export function formatDuration(ms: number, locale: string): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const unit = (value: number, u: 'hour' | 'minute') => new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short' }).format(value);
  return minutes >= 60 ? `${unit(Math.floor(minutes / 60), 'hour')} ${unit(minutes % 60, 'minute')}` : unit(minutes, 'minute');
}

/** A mass of CO₂ and the like: grams below a kilogram, kilograms, then tonnes. */
export function formatMass(grams: number, locale: string): string {
  if (Math.abs(grams) < 1000) return new Intl.NumberFormat(locale, { style: 'unit', unit: 'gram', maximumFractionDigits: 0 }).format(grams);
  if (Math.abs(grams) < 1e6) return new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilogram', maximumFractionDigits: 1 }).format(grams / 1000);
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(grams / 1e6)}\u00a0t`;
}

/** A share (0–1) as a whole percentage. */
export function formatShare(share: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}
