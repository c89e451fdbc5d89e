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

export function formatDistance(metres: number, locale: string): string {
  return metres < 1000
    ? new Intl.NumberFormat(locale, { style: 'unit', unit: 'meter', maximumFractionDigits: 0 }).format(Math.round(metres / 10) * 10)
    : new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilometer', maximumFractionDigits: 1 }).format(metres / 1000);
}
