import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GbCarbonIntensityApi } from './grid-intensity.js';

/** A local server speaking the GB Carbon Intensity API's `/intensity/{from}/{to}` (no internet here). */
let server: Server;
let base: string;
const asked: string[] = [];
let mode: 'ok' | 'down' | 'slow' = 'ok';

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push(req.url ?? '');
    if (mode === 'down') {
      res.writeHead(503).end();
      return;
    }
    if (mode === 'slow') return; // never answers
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        data: [
          { from: '2026-06-10T10:00Z', to: '2026-06-10T10:30Z', intensity: { forecast: 120, actual: 110, index: 'low' } },
          { from: '2026-06-10T10:30Z', to: '2026-06-10T11:00Z', intensity: { forecast: 140, actual: null, index: 'moderate' } },
          { from: '2026-06-10T11:00Z', to: '2026-06-10T11:30Z', intensity: { forecast: null, actual: null, index: 'moderate' } },
          { from: 'not a time', to: '2026-06-10T12:00Z', intensity: { forecast: 99, actual: 99 } },
        ],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the GB Carbon Intensity adapter', () => {
  const from = new Date('2026-06-10T10:00:00Z');
  const to = new Date('2026-06-10T12:00:00Z');

  it('asks for the period and takes the actual figure where known, else the forecast; drops what it cannot read', async () => {
    mode = 'ok';
    const periods = await new GbCarbonIntensityApi(base).periods('GB', from, to);
    expect(asked.at(-1)).toBe('/intensity/2026-06-10T10:00Z/2026-06-10T12:00Z');
    expect(periods.map((p) => [p.from.toISOString(), p.g_per_kwh])).toEqual([
      ['2026-06-10T10:00:00.000Z', 110],
      ['2026-06-10T10:30:00.000Z', 140],
    ]);
    expect(periods[0]?.source).toMatch(/NESO/);
    expect(periods[0]?.renewable_share).toBeGreaterThan(0);
  });

  it('covers Great Britain only', async () => {
    const api = new GbCarbonIntensityApi(base);
    expect(api.covers('gb')).toBe(true);
    expect(api.covers('DE')).toBe(false);
    const before = asked.length;
    expect(await api.periods('DE', from, to)).toEqual([]);
    expect(asked.length).toBe(before);
  });

  it('fails clearly when the provider is down or silent (callers fall back to the yearly average)', async () => {
    mode = 'down';
    await expect(new GbCarbonIntensityApi(base).periods('GB', from, to)).rejects.toThrow(/503/);
    mode = 'slow';
    await expect(new GbCarbonIntensityApi(base, 200).periods('GB', from, to)).rejects.toThrow();
    mode = 'ok';
  });
});
