/**
 * OCPP 1.6 ChargePointErrorCode values (and the 2.0.1 names chargers send in their own words),
 * with a name an operator understands; the console shows the name in its language by the code.
 */
export const FAULT_NAMES: Record<string, string> = {
  ConnectorLockFailure: 'Connector lock failed',
  EVCommunicationError: 'Cannot talk to the car',
  GroundFailure: 'Earth fault',
  HighTemperature: 'Too hot',
  InternalError: 'Internal error',
  LocalListConflict: 'Local authorisation list conflict',
  OtherError: 'Other error',
  OverCurrentFailure: 'Over-current',
  OverVoltage: 'Over-voltage',
  PowerMeterFailure: 'Power meter failed',
  PowerSwitchFailure: 'Power switch failed',
  ReaderFailure: 'Card reader failed',
  ResetFailure: 'Restart failed',
  UnderVoltage: 'Under-voltage',
  WeakSignal: 'Weak mobile signal',
};

export const faultName = (code: string) => FAULT_NAMES[code] ?? code;
