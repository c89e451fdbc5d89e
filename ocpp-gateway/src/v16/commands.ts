import { ChargePointRejected, type ChargerCommand, type CommandAnswer } from '@voltshare/api';

/** An outbound OCPP 1.6 call: the action and its payload, validated against the official schema when sent. */
export interface V16Call {
  action: string;
  payload: Record<string, unknown>;
}

type Frames = { [K in ChargerCommand['kind']]: (command: Extract<ChargerCommand, { kind: K }>) => V16Call };

/** The 1.6 transaction id is the integer the platform issued at StartTransaction. */
function v16TransactionId(transactionId: string): number {
  const id = Number(transactionId);
  if (!Number.isSafeInteger(id)) throw new ChargePointRejected(`transaction ${transactionId} is not an OCPP 1.6 transaction id`, 'NotSupported');
  return id;
}

const REPORT: Record<Extract<ChargerCommand, { kind: 'triggerReport' }>['report'], string> = {
  status: 'StatusNotification',
  boot: 'BootNotification',
  heartbeat: 'Heartbeat',
  meterValues: 'MeterValues',
};

const FRAMES: Frames = {
  reserve: (c) => ({ action: 'ReserveNow', payload: { connectorId: c.connector, expiryDate: c.expiresAt, idTag: c.idToken, reservationId: c.reservationId } }),
  cancelReservation: (c) => ({ action: 'CancelReservation', payload: { reservationId: c.reservationId } }),
  // A TxDefaultProfile with no end of its own: the cap holds for every transaction until cleared or replaced.
  limitPower: (c) => ({
    action: 'SetChargingProfile',
    payload: {
      connectorId: c.connector,
      csChargingProfiles: {
        chargingProfileId: c.limitId,
        stackLevel: 0,
        chargingProfilePurpose: 'TxDefaultProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: { chargingRateUnit: 'W', startSchedule: c.from, chargingSchedulePeriod: [{ startPeriod: 0, limit: c.maxPowerW }] },
      },
    },
  }),
  clearPowerLimit: (c) => ({ action: 'ClearChargingProfile', payload: { id: c.limitId } }),
  remoteStart: (c) => ({ action: 'RemoteStartTransaction', payload: { connectorId: c.connector, idTag: c.idToken } }),
  remoteStop: (c) => ({ action: 'RemoteStopTransaction', payload: { transactionId: v16TransactionId(c.transactionId) } }),
  unlock: (c) => ({ action: 'UnlockConnector', payload: { connectorId: c.connector } }),
  reset: (c) => ({ action: 'Reset', payload: { type: c.hard ? 'Hard' : 'Soft' } }),
  changeAvailability: (c) => ({ action: 'ChangeAvailability', payload: { connectorId: c.connector, type: c.operative ? 'Operative' : 'Inoperative' } }),
  triggerReport: (c) => ({
    action: 'TriggerMessage',
    payload: { requestedMessage: REPORT[c.report], ...(c.connector === undefined ? {} : { connectorId: c.connector }) },
  }),
  readConfiguration: (c) => ({ action: 'GetConfiguration', payload: c.keys ? { key: c.keys } : {} }),
  changeConfiguration: (c) => ({ action: 'ChangeConfiguration', payload: { key: c.key, value: c.value } }),
  raw: (c) => {
    if (c.protocol !== 'ocpp1.6') throw new ChargePointRejected(`this charger speaks OCPP 1.6, not ${c.protocol}`, 'NotSupported');
    return { action: c.action, payload: (c.payload ?? {}) as Record<string, unknown> };
  },
};

/** The 1.6 answers that mean "will do" besides `Accepted`. */
const ALSO_ACCEPTED = new Set(['Unlocked', 'Scheduled', 'RebootRequired']);

/** A neutral command → the OCPP 1.6 call that carries it. */
export function v16Call(command: ChargerCommand): V16Call {
  return (FRAMES[command.kind] as (c: ChargerCommand) => V16Call)(command);
}

/** The charger's 1.6 answer → the domain's. Answers without a status (GetConfiguration, raw reads) count as accepted. */
export function v16Answer(command: ChargerCommand, response: unknown): CommandAnswer {
  const raw = (response ?? {}) as { status?: unknown };
  const status = typeof raw.status === 'string' ? raw.status : 'Accepted';
  const keepResponse = command.kind === 'raw' || command.kind === 'readConfiguration';
  return { accepted: status === 'Accepted' || ALSO_ACCEPTED.has(status), status, ...(keepResponse ? { response } : {}) };
}
