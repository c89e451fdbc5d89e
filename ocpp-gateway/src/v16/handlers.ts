import type { Connection, GatewayServices, GatewaySettings, InboundHandler } from '../connection.js';
import { evseStatus, meterSamples } from './mappers.js';

const idTagInfo = (a: { status: string; expiresAt?: Date }) => ({ status: a.status, ...(a.expiresAt ? { expiryDate: a.expiresAt.toISOString() } : {}) });

/**
 * OCPP 1.6 actions a charge point sends, one handler each: protocol in, domain call, protocol
 * out. Payloads arrive already validated against the official 1.6 schemas (strict mode).
 */
export function v16Handlers(services: GatewayServices, c: Connection, settings: GatewaySettings): Record<string, InboundHandler> {
  const { charging } = services;
  return {
    async BootNotification(p) {
      await charging.recordBoot(c.tenantId, c.chargePointId, {
        vendor: p.chargePointVendor,
        model: p.chargePointModel,
        serialNumber: p.chargePointSerialNumber ?? p.chargeBoxSerialNumber,
        firmwareVersion: p.firmwareVersion,
      });
      return { status: 'Accepted', currentTime: new Date().toISOString(), interval: settings.heartbeatIntervalS };
    },

    async Heartbeat() {
      await charging.seen(c.tenantId, c.chargePointId);
      return { currentTime: new Date().toISOString() };
    },

    async StatusNotification(p) {
      await charging.reportStatus(c.tenantId, c.chargePointId, {
        connectorId: p.connectorId,
        status: evseStatus(p.status),
        fault: { errorCode: p.errorCode, info: p.info, vendorId: p.vendorId, vendorErrorCode: p.vendorErrorCode },
        at: p.timestamp ? new Date(p.timestamp) : new Date(),
      });
      return {};
    },

    async Authorize(p) {
      return { idTagInfo: idTagInfo(await charging.authorize(p.idTag)) };
    },

    async StartTransaction(p) {
      const started = await charging.startSession(c.tenantId, c.chargePointId, {
        connectorId: p.connectorId,
        idTag: p.idTag,
        meterStartWh: p.meterStart,
        at: new Date(p.timestamp),
        reservationId: p.reservationId,
      });
      return { transactionId: started.transactionId, idTagInfo: idTagInfo(started.authorization) };
    },

    async MeterValues(p) {
      await charging.addMeterValues(c.tenantId, c.chargePointId, p.transactionId, meterSamples(p.meterValue));
      return {};
    },

    async StopTransaction(p) {
      if (p.transactionData) await charging.addMeterValues(c.tenantId, c.chargePointId, p.transactionId, meterSamples(p.transactionData));
      const stopped = await charging.stopSession(c.tenantId, c.chargePointId, {
        transactionId: p.transactionId,
        meterStopWh: p.meterStop,
        at: new Date(p.timestamp),
        reason: p.reason,
        idTag: p.idTag,
      });
      if (!stopped.known)
        services.logger.warn({ charge_point: c.identity, transaction_id: p.transactionId }, 'StopTransaction for an unknown transaction; accepted');
      return stopped.authorization ? { idTagInfo: idTagInfo(stopped.authorization) } : {};
    },

    async DataTransfer() {
      // No vendor extensions are registered yet.
      return { status: 'UnknownVendorId' };
    },

    async DiagnosticsStatusNotification() {
      return {};
    },

    async FirmwareStatusNotification() {
      return {};
    },
  };
}
