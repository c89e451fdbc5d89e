import { msg, str } from '@lit/localize';

/** How a location or EVSE looks: the server computes availability, this only picks a colour. */
export type Look = 'available' | 'busy' | 'fault' | 'unknown';

export interface AvailabilityCounts {
  counts: Partial<Record<string, number>>;
  total: number;
  available: number;
}

const BUSY = ['CHARGING', 'RESERVED', 'BLOCKED'];
const FAULT = ['OUTOFORDER', 'INOPERATIVE'];

export function evseLook(status: string): Look {
  if (status === 'AVAILABLE') return 'available';
  if (BUSY.includes(status)) return 'busy';
  if (FAULT.includes(status)) return 'fault';
  return 'unknown';
}

export function locationLook(availability: AvailabilityCounts): Look {
  if (availability.available > 0) return 'available';
  const count = (statuses: string[]) => statuses.reduce((n, s) => n + (availability.counts[s] ?? 0), 0);
  if (count(BUSY) > 0) return 'busy';
  if (availability.total > 0 && count(FAULT) === availability.total) return 'fault';
  return 'unknown';
}

export function statusLabel(status: string): string {
  switch (status) {
    case 'AVAILABLE':
      return msg('Available');
    case 'CHARGING':
      return msg('Charging');
    case 'RESERVED':
      return msg('Reserved');
    case 'BLOCKED':
      return msg('Blocked');
    case 'OUTOFORDER':
    case 'INOPERATIVE':
      return msg('Out of order');
    case 'PLANNED':
      return msg('Coming soon');
    default:
      return msg('Unknown');
  }
}

/** Connector standards as drivers know them: brand names stay, household sockets are named in the driver's language. */
export function standardLabel(standard: string): string {
  const names: Record<string, string> = {
    IEC_62196_T2: 'Type 2',
    IEC_62196_T2_COMBO: 'CCS',
    IEC_62196_T1: 'Type 1',
    IEC_62196_T1_COMBO: 'CCS1',
    IEC_62196_T3A: 'Type 3A',
    IEC_62196_T3C: 'Type 3C',
    CHADEMO: 'CHAdeMO',
    CHAOJI: 'ChaoJi',
    GBT_AC: 'GB/T AC',
    GBT_DC: 'GB/T DC',
    NEMA_5_20: 'NEMA 5-20',
    NEMA_6_30: 'NEMA 6-30',
    NEMA_14_50: 'NEMA 14-50',
    SAE_J3400: 'NACS',
    TESLA_R: 'Tesla Roadster',
    TESLA_S: 'Tesla',
    IEC_60309_2_single_16: 'CEE 16 A',
    IEC_60309_2_three_16: 'CEE 16 A 3-phase',
    IEC_60309_2_three_32: 'CEE 32 A',
    IEC_60309_2_three_64: 'CEE 63 A',
    PANTOGRAPH_BOTTOM_UP: 'Pantograph',
    PANTOGRAPH_TOP_DOWN: 'Pantograph',
  };
  if (names[standard]) return names[standard];
  const household = /^DOMESTIC_([A-Z])$/.exec(standard);
  if (household) return standard === 'DOMESTIC_F' ? 'Schuko' : msg(str`Household socket type ${household[1]}`);
  return msg('Other connector');
}
