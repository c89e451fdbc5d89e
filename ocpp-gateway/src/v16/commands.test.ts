import type { ChargerCommand } from '@voltshare/api';
import ocppRpc from 'ocpp-rpc';
import { describe, expect, it } from 'vitest';
import { v16Answer, v16Call } from './commands.js';

// ocpp-rpc is CommonJS with spread exports, which Node's ESM loader cannot name.
const { createValidator } = ocppRpc;
// biome-ignore lint/suspicious/noExplicitAny: the schema bundle is plain JSON
const schemas = (await import('ocpp-rpc/lib/schemas/ocpp1_6.json', { with: { type: 'json' } })).default as any;
const validator = createValidator('ocpp1.6', schemas);

const EVERY_KIND: ChargerCommand[] = [
  { kind: 'reserve', connector: 1, expiresAt: '2026-12-02T10:00:00.000Z', idToken: 'TAG-1', reservationId: 42 },
  { kind: 'cancelReservation', reservationId: 42 },
  { kind: 'limitPower', connector: 2, maxPowerW: 7400, limitId: 7301, from: '2026-12-02T09:00:00.000Z' },
  { kind: 'clearPowerLimit', limitId: 7301 },
  { kind: 'remoteStart', connector: 1, idToken: 'TAG-1' },
  { kind: 'remoteStop', transactionId: '17' },
  { kind: 'unlock', connector: 1 },
  { kind: 'reset', hard: false },
  { kind: 'changeAvailability', connector: 0, operative: false },
  { kind: 'triggerReport', report: 'status', connector: 1 },
  { kind: 'readConfiguration', keys: ['HeartbeatInterval'] },
  { kind: 'readConfiguration' },
  { kind: 'changeConfiguration', key: 'HeartbeatInterval', value: '300' },
  { kind: 'raw', protocol: 'ocpp1.6', action: 'GetCompositeSchedule', payload: { connectorId: 1, duration: 3600 } },
];

describe('OCPP 1.6 frames for neutral commands', () => {
  it.each(EVERY_KIND.map((c) => [c.kind, c] as const))('%s becomes a call the official 1.6 schema accepts', (_kind, command) => {
    const { action, payload } = v16Call(command);
    expect(validator.validate(`urn:${action}.req`, payload)).toBe(true);
  });

  it('caps power with a TxDefaultProfile in watts that the given limit id replaces', () => {
    const { action, payload } = v16Call({ kind: 'limitPower', connector: 2, maxPowerW: 7400, limitId: 7301, from: '2026-12-02T09:00:00.000Z' });
    expect(action).toBe('SetChargingProfile');
    expect(payload).toMatchObject({
      connectorId: 2,
      csChargingProfiles: {
        chargingProfileId: 7301,
        chargingProfilePurpose: 'TxDefaultProfile',
        chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7400 }] },
      },
    });
  });

  it('refuses a transaction id 1.6 cannot carry, and a raw frame of another protocol', () => {
    expect(() => v16Call({ kind: 'remoteStop', transactionId: 'a1b2-c3' })).toThrow(/not an OCPP 1.6 transaction id/);
    expect(() => v16Call({ kind: 'raw', protocol: 'ocpp2.0.1', action: 'RequestStartTransaction', payload: {} })).toThrow(/speaks OCPP 1.6/);
  });

  it('reads the answer: accepted words, refusals with the charger’s own word, raw answers kept', () => {
    const reserve = EVERY_KIND[0] as ChargerCommand;
    expect(v16Answer(reserve, { status: 'Accepted' })).toEqual({ accepted: true, status: 'Accepted' });
    expect(v16Answer(reserve, { status: 'Occupied' })).toEqual({ accepted: false, status: 'Occupied' });
    expect(v16Answer({ kind: 'unlock', connector: 1 }, { status: 'Unlocked' }).accepted).toBe(true);
    expect(v16Answer({ kind: 'unlock', connector: 1 }, { status: 'UnlockFailed' }).accepted).toBe(false);
    const config = { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] };
    expect(v16Answer({ kind: 'readConfiguration' }, config)).toEqual({ accepted: true, status: 'Accepted', response: config });
  });
});
