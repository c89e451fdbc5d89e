import SunCalc from 'suncalc';
import { describe, expect, it } from 'vitest';
import { clearSkyIrradiance, clearSkyPvW, clearSkyPvWh } from './solar-model.js';

const LONDON = { latitude: 51.5074, longitude: -0.1278 };
const SYDNEY = { latitude: -33.8688, longitude: 151.2093 };
// NREL's Solar Radiation Research Laboratory, Golden, Colorado.
const GOLDEN = { latitude: 39.742, longitude: -105.18 };
const MINUTE = 60_000;
const south = { kwp: 10, tiltDeg: 35, azimuthDeg: 180 };
const north = { kwp: 10, tiltDeg: 30, azimuthDeg: 0 };

const pvAt = (array: typeof south, at: Date, place: typeof LONDON) => clearSkyPvW(array, at, place.latitude, place.longitude);

describe('the clear-sky PV model', () => {
  // Published times (HM Nautical Almanac Office / timeanddate.com), 21 June 2026:
  // London sunrise 04:43 BST, sunset 21:21 BST; Sydney sunrise 07:00 AEST, sunset 16:54 AEST.
  it.each([
    ['London', LONDON, '2026-06-21T03:43:00Z', '2026-06-21T20:21:00Z', south],
    ['Sydney', SYDNEY, '2026-06-20T21:00:00Z', '2026-06-21T06:54:00Z', north],
  ])('makes nothing before sunrise and after sunset in %s, and something in between', (_, place, sunrise, sunset, array) => {
    const times = SunCalc.getTimes(new Date(Date.parse(sunrise) + 6 * 3_600_000), place.latitude, place.longitude);
    expect(Math.abs(times.sunrise.getTime() - Date.parse(sunrise))).toBeLessThan(3 * MINUTE);
    expect(Math.abs(times.sunset.getTime() - Date.parse(sunset))).toBeLessThan(3 * MINUTE);
    expect(pvAt(array, new Date(Date.parse(sunrise) - 10 * MINUTE), place)).toBe(0);
    expect(pvAt(array, new Date(Date.parse(sunset) + 10 * MINUTE), place)).toBe(0);
    expect(pvAt(array, new Date(Date.parse(sunrise) + 90 * MINUTE), place)).toBeGreaterThan(0);
    expect(pvAt(array, times.solarNoon, place)).toBeGreaterThan(pvAt(array, new Date(Date.parse(sunrise) + 90 * MINUTE), place));
  });

  it('gives clear-sky noon irradiance near the measured figures', () => {
    // Golden on the summer solstice: cloudless noons measure about 1,000 W/m² (NREL SRRL BMS);
    // Haurwitz, which ignores altitude and turbidity, gives 993.
    const golden = SunCalc.getTimes(new Date('2026-06-21T19:00:00Z'), GOLDEN.latitude, GOLDEN.longitude).solarNoon;
    const summer = clearSkyIrradiance(golden, GOLDEN.latitude, GOLDEN.longitude);
    expect(summer.zenithDeg).toBeCloseTo(16.3, 0);
    expect(summer.ghi).toBeGreaterThan(950);
    expect(summer.ghi).toBeLessThan(1050);
    // London at the winter solstice: the sun 15° high, clear-sky GHI about 200 W/m².
    const london = SunCalc.getTimes(new Date('2026-12-21T12:00:00Z'), LONDON.latitude, LONDON.longitude).solarNoon;
    const winter = clearSkyIrradiance(london, LONDON.latitude, LONDON.longitude);
    expect(winter.zenithDeg).toBeCloseTo(75, 0);
    expect(winter.ghi).toBeGreaterThan(180);
    expect(winter.ghi).toBeLessThan(260);
    // Direct plus diffuse make up the global figure.
    expect(summer.dni * Math.cos((summer.zenithDeg * Math.PI) / 180) + summer.dhi).toBeCloseTo(summer.ghi, 6);
  });

  it('faces the sun: a south array beats a north one in London, a north one wins in Sydney', () => {
    const londonNoon = SunCalc.getTimes(new Date('2026-03-20T12:00:00Z'), LONDON.latitude, LONDON.longitude).solarNoon;
    expect(pvAt(south, londonNoon, LONDON)).toBeGreaterThan(pvAt(north, londonNoon, LONDON) * 2);
    const sydneyNoon = SunCalc.getTimes(new Date('2026-03-20T02:00:00Z'), SYDNEY.latitude, SYDNEY.longitude).solarNoon;
    expect(pvAt(north, sydneyNoon, SYDNEY)).toBeGreaterThan(pvAt(south, sydneyNoon, SYDNEY) * 2);
  });

  it('never exceeds the array peak and scales with its size', () => {
    const noon = SunCalc.getTimes(new Date('2026-06-21T19:00:00Z'), GOLDEN.latitude, GOLDEN.longitude).solarNoon;
    const w = pvAt(south, noon, GOLDEN);
    expect(w).toBeLessThanOrEqual(south.kwp * 1000);
    expect(pvAt({ ...south, kwp: 20 }, noon, GOLDEN)).toBeCloseTo(2 * w, 6);
    expect(pvAt({ ...south, kwp: 0 }, noon, GOLDEN)).toBe(0);
  });

  it('yields more in a London June day than a December one, and nothing overnight', () => {
    const day = (iso: string) => clearSkyPvWh(south, new Date(`${iso}T00:00:00Z`), new Date(`${iso}T23:59:59Z`), LONDON.latitude, LONDON.longitude);
    expect(day('2026-06-21')).toBeGreaterThan(3 * day('2026-12-21'));
    expect(clearSkyPvWh(south, new Date('2026-06-21T22:00:00Z'), new Date('2026-06-22T02:00:00Z'), LONDON.latitude, LONDON.longitude)).toBe(0);
  });
});
