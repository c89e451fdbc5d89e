import { describe, expect, it } from 'vitest';
import { identityFromPath, negotiateSubprotocol } from './endpoint.js';

describe('charge point endpoint', () => {
  it.each([
    ['/ocpp/LU-VOLT-0001', 'LU-VOLT-0001'],
    ['/ocpp/CP%2301/', 'CP#01'],
  ])('reads the identity from %s', (path, identity) => {
    expect(identityFromPath(path)).toBe(identity);
  });

  it.each(['/ocpp/', '/ocpp/a/b', '/other/CP1', `/ocpp/${'x'.repeat(26)}`, '/ocpp/has:colon', '/ocpp/CP%2001', '/ocpp/%E0%A4%A'])('refuses %s', (path) => {
    expect(identityFromPath(path)).toBeUndefined();
  });

  it('negotiates OCPP 1.6 and refuses what it does not speak', () => {
    expect(negotiateSubprotocol(['ocpp2.0.1', 'ocpp1.6'])).toBe('ocpp1.6');
    expect(negotiateSubprotocol(['ocpp1.5'])).toBeUndefined();
  });
});
