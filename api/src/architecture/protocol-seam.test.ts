import { describe, expect, it } from 'vitest';
import { productionSources } from './source-tree.js';

/** Every action of OCPP 1.6 and 2.0.1, and the 1.6 charging-profile purposes. */
const OCPP_NAMES = `Authorize BootNotification CancelReservation CertificateSigned ChangeAvailability ChangeConfiguration
ClearCache ClearChargingProfile ClearDisplayMessage ClearVariableMonitoring ClearedChargingLimit CostUpdated
CustomerInformation DataTransfer DeleteCertificate DiagnosticsStatusNotification FirmwareStatusNotification
Get15118EVCertificate GetBaseReport GetCertificateStatus GetChargingProfiles GetCompositeSchedule GetConfiguration
GetDiagnostics GetDisplayMessages GetInstalledCertificateIds GetLocalListVersion GetLog GetMonitoringReport GetReport
GetTransactionStatus GetVariables Heartbeat InstallCertificate LogStatusNotification MeterValues NotifyChargingLimit
NotifyCustomerInformation NotifyDisplayMessages NotifyEVChargingNeeds NotifyEVChargingSchedule NotifyEvent
NotifyMonitoringReport NotifyReport PublishFirmware PublishFirmwareStatusNotification RemoteStartTransaction
RemoteStopTransaction ReportChargingProfiles RequestStartTransaction RequestStopTransaction ReservationStatusUpdate
ReserveNow Reset SecurityEventNotification SendLocalList SetChargingProfile SetDisplayMessage SetMonitoringBase
SetMonitoringLevel SetNetworkProfile SetVariableMonitoring SetVariables SignCertificate StartTransaction
StatusNotification StopTransaction TransactionEvent TriggerMessage UnlockConnector UnpublishFirmware UpdateFirmware
TxDefaultProfile TxProfile ChargePointMaxProfile`.split(/\s+/);

/** The one file allowed to name OCPP actions: the staff endpoint's raw escape hatch. */
const OCPP_MAPPING = new Set(['charging/raw-ocpp-command.ts']);

describe('the protocol seam', () => {
  it('no file under api/src outside the OCPP mapping names an OCPP action: the domain sends neutral commands', () => {
    const word = new RegExp(`\\b(${OCPP_NAMES.join('|')})\\b`, 'g');
    const found = productionSources()
      .filter((file) => !OCPP_MAPPING.has(file.path))
      .flatMap((file) => [...file.text.matchAll(word)].map((m) => `${file.path}: ${m[1]}`));
    expect(found).toEqual([]);
  });

  it('the check would see an action if one came back', () => {
    const word = new RegExp(`\\b(${OCPP_NAMES.join('|')})\\b`);
    expect(word.test("await commands.send(id, 'ReserveNow', payload)")).toBe(true);
    expect(word.test('a reservation is reserved now')).toBe(false);
  });
});
