import { msg } from '@lit/localize';

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

/** Connector standards as drivers know them. */
export function standardLabel(standard: string): string {
  const names: Record<string, string> = {
    IEC_62196_T2: 'Type 2',
    IEC_62196_T2_COMBO: 'CCS',
    IEC_62196_T1: 'Type 1',
    IEC_62196_T1_COMBO: 'CCS1',
    CHADEMO: 'CHAdeMO',
    DOMESTIC_F: 'Schuko',
    TESLA_S: 'Tesla',
  };
  return names[standard] ?? standard.replace(/^IEC_62196_/, '').replace(/_/g, ' ');
}
