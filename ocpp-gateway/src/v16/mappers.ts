import type { EvseStatus, MeterSample } from '@voltshare/api';

/** OCPP 1.6 ChargePointStatus → the OCPI-style EVSE status the domain uses. */
const STATUS: Record<string, EvseStatus> = {
  Available: 'AVAILABLE',
  // Plugged in or finishing: the EVSE is taken, as for a driver it is.
  Preparing: 'CHARGING',
  Charging: 'CHARGING',
  SuspendedEV: 'CHARGING',
  SuspendedEVSE: 'CHARGING',
  Finishing: 'CHARGING',
  Reserved: 'RESERVED',
  Unavailable: 'INOPERATIVE',
  Faulted: 'OUTOFORDER',
};

export function evseStatus(ocppStatus: string): EvseStatus {
  return STATUS[ocppStatus] ?? 'UNKNOWN';
}

interface SampledValue {
  value: string;
  context?: string;
  measurand?: string;
  phase?: string;
  unit?: string;
}

/** OCPP 1.6 MeterValue[] → domain samples: energy in Wh, power in W, state of charge in %. */
export function meterSamples(meterValue: { timestamp: string; sampledValue: SampledValue[] }[]): MeterSample[] {
  return meterValue.map((mv) => {
    const sample: MeterSample = { at: new Date(mv.timestamp) };
    for (const sv of mv.sampledValue) {
      const value = Number(sv.value);
      if (!Number.isFinite(value) || sv.phase) continue;
      const measurand = sv.measurand ?? 'Energy.Active.Import.Register';
      if (measurand === 'Energy.Active.Import.Register') sample.energyWh = sv.unit === 'kWh' ? value * 1000 : value;
      else if (measurand === 'Power.Active.Import') sample.powerW = sv.unit === 'kW' ? value * 1000 : value;
      else if (measurand === 'SoC') sample.socPercent = value;
    }
    return sample;
  });
}
