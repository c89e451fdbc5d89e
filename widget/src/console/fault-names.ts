import { msg } from '@lit/localize';

/**
 * A charger's fault in the reader's language, by its OCPP error code; the API's own (English)
 * name for a code this list does not know yet.
 */
export function faultName(code: string, fallback: string): string {
  switch (code) {
    case 'ConnectorLockFailure':
      return msg('Connector lock failed');
    case 'EVCommunicationError':
      return msg('Cannot talk to the car');
    case 'GroundFailure':
      return msg('Earth fault');
    case 'HighTemperature':
      return msg('Too hot');
    case 'InternalError':
      return msg('Internal error');
    case 'LocalListConflict':
      return msg('Local authorisation list conflict');
    case 'OtherError':
      return msg('Other error');
    case 'OverCurrentFailure':
      return msg('Over-current');
    case 'OverVoltage':
      return msg('Over-voltage');
    case 'PowerMeterFailure':
      return msg('Power meter failed');
    case 'PowerSwitchFailure':
      return msg('Power switch failed');
    case 'ReaderFailure':
      return msg('Card reader failed');
    case 'ResetFailure':
      return msg('Restart failed');
    case 'UnderVoltage':
      return msg('Under-voltage');
    case 'WeakSignal':
      return msg('Weak mobile signal');
    case 'PowerLimitIgnored':
      return msg('Ignores its power limit');
    default:
      return fallback;
  }
}
