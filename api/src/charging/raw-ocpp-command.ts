import type { ChargerCommand } from './charger-commands.js';

// The staff command endpoint's escape hatch, the one place in the domain that names OCPP
// actions (architecture/protocol-seam.test.ts allows it); everything else the platform asks of a
// charger is a neutral `ChargerCommand`.

/** OCPP 1.6 commands staff may send as raw frames to diagnose a charger (the gateway validates the payload against the official schema). */
export type ChargePointCommand =
  | 'RemoteStartTransaction'
  | 'RemoteStopTransaction'
  | 'UnlockConnector'
  | 'Reset'
  | 'ChangeAvailability'
  | 'ChangeConfiguration'
  | 'GetConfiguration'
  | 'TriggerMessage'
  | 'ReserveNow'
  | 'CancelReservation'
  | 'SetChargingProfile'
  | 'ClearChargingProfile'
  | 'GetCompositeSchedule';

export function rawOcpp16(action: ChargePointCommand, payload: unknown): ChargerCommand {
  return { kind: 'raw', protocol: 'ocpp1.6', action, payload };
}
