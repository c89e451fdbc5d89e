import SunCalc from 'suncalc';

/** A site's declared PV array. */
export interface PvArray {
  /** Peak power under standard test conditions, kW. */
  kwp: number;
  /** Tilt from horizontal, degrees (0 flat, 90 a wall). */
  tiltDeg: number;
  /** Compass direction the panels face, degrees (180 south, 90 east). */
  azimuthDeg: number;
}

/**
 * What the production model assumes, printed wherever a modelled figure is shown: a cloudless sky
 * is the upper bound of what the array makes, so the planner scales it by what was last measured.
 */
export const PV_MODEL = {
  sun_position: 'suncalc (NOAA/Astronomical Algorithms sun position)',
  clear_sky: 'Haurwitz (1945): GHI = 1098 · cos z · exp(−0.057 / cos z) W/m²',
  decomposition: 'Erbs et al. (1982) diffuse fraction from the clearness index',
  transposition: 'isotropic sky (Liu & Jordan), ground albedo 0.2',
  performance_ratio: 0.8,
  weather: 'cloudless sky: an upper bound; measurements replace the model where pushed',
} as const;

const SOLAR_CONSTANT = 1361; // W/m²
const ALBEDO = 0.2;
const DEG = Math.PI / 180;

export interface Irradiance {
  /** Global horizontal, direct normal and diffuse horizontal irradiance, W/m². */
  ghi: number;
  dni: number;
  dhi: number;
  /** The sun's zenith angle, degrees (above 90 at night). */
  zenithDeg: number;
  /** The sun's compass azimuth, degrees. */
  azimuthDeg: number;
}

/** Cloudless-sky irradiance at a place and instant. */
export function clearSkyIrradiance(at: Date, latitude: number, longitude: number): Irradiance {
  const sun = SunCalc.getPosition(at, latitude, longitude);
  const zenithDeg = 90 - sun.altitude / DEG;
  // suncalc measures azimuth from south, westward positive.
  const azimuthDeg = (((sun.azimuth / DEG + 180) % 360) + 360) % 360;
  const cosZ = Math.cos(zenithDeg * DEG);
  if (cosZ <= 0.01) return { ghi: 0, dni: 0, dhi: 0, zenithDeg, azimuthDeg };
  const ghi = 1098 * cosZ * Math.exp(-0.057 / cosZ);
  const dayOfYear = Math.floor((at.getTime() - Date.UTC(at.getUTCFullYear(), 0, 0)) / 86_400_000);
  const extraterrestrial = SOLAR_CONSTANT * (1 + 0.033 * Math.cos((2 * Math.PI * dayOfYear) / 365));
  const kt = Math.min(1, ghi / (extraterrestrial * cosZ));
  const diffuseFraction = kt <= 0.22 ? 1 - 0.09 * kt : kt <= 0.8 ? 0.9511 - 0.1604 * kt + 4.388 * kt ** 2 - 16.638 * kt ** 3 + 12.336 * kt ** 4 : 0.165;
  const dhi = diffuseFraction * ghi;
  return { ghi, dni: (ghi - dhi) / cosZ, dhi, zenithDeg, azimuthDeg };
}

/** What the array makes under a cloudless sky at an instant, W (AC, after the performance ratio). */
export function clearSkyPvW(array: PvArray, at: Date, latitude: number, longitude: number): number {
  const sky = clearSkyIrradiance(at, latitude, longitude);
  if (sky.ghi === 0 || array.kwp <= 0) return 0;
  const tilt = array.tiltDeg * DEG;
  const zenith = sky.zenithDeg * DEG;
  const cosIncidence = Math.cos(zenith) * Math.cos(tilt) + Math.sin(zenith) * Math.sin(tilt) * Math.cos((sky.azimuthDeg - array.azimuthDeg) * DEG);
  const planeOfArray = sky.dni * Math.max(0, cosIncidence) + (sky.dhi * (1 + Math.cos(tilt))) / 2 + (sky.ghi * ALBEDO * (1 - Math.cos(tilt))) / 2;
  return Math.max(0, array.kwp * planeOfArray * PV_MODEL.performance_ratio);
}

/** Cloudless-sky yield over a period, Wh, integrated in 15-minute steps. */
export function clearSkyPvWh(array: PvArray, from: Date, to: Date, latitude: number, longitude: number): number {
  const step = 15 * 60_000;
  let wh = 0;
  for (let t = from.getTime(); t < to.getTime(); t += step) {
    const length = Math.min(step, to.getTime() - t);
    wh += (clearSkyPvW(array, new Date(t + length / 2), latitude, longitude) * length) / 3_600_000;
  }
  return wh;
}
