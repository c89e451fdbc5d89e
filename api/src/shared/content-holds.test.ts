import { describe, expect, it } from 'vitest';
import { holdReasonOf } from './content-holds.js';

describe('automatic holds', () => {
  it.each([
    ['call me on +49 170 123 4567', 'phone'],
    ['ring 06-12345678 if blocked', 'phone'],
    ['write to anna.k@example.org', 'email'],
    ['cheap cables at https://spam.example/x', 'link'],
    ['see www.example.com', 'link'],
    ['best deals on chargers-cheap.com', 'link'],
    ['the white van AB-123-CD blocks it again', 'licence_plate'],
    ['LD21 XYZ parked on the bay', 'licence_plate'],
    ['B-MW 1234 is always here', 'licence_plate'],
    ['car 12-ABC-3 took two spots', 'licence_plate'],
  ])('holds %j (%s)', (text, reason) => {
    expect(holdReasonOf(text)).toBe(reason);
  });

  it.each([
    'Entrance via level -1, bay 12.',
    'Card reader broken, use the app. CCS 2 at 150 kW works.',
    'AC 22 kW, open 24/7, costs 0.45 €/kWh.',
    'Charged from 10 % to 80 % in 35 minutes on 2026-06-30.',
    'Worked on 30.06.2026 and 1/7/26.',
    'Type 2 cable needed; the Tesla Model 3 fits.',
  ])('lets %j through', (text) => {
    expect(holdReasonOf(text)).toBeUndefined();
  });
});
