import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Written by the build (build.mjs); the test suite runs after it.
const sizes = JSON.parse(readFileSync(new URL('../dist/bundle/sizes.json', import.meta.url), 'utf8')) as Record<string, number>;

describe('bundle size', () => {
  it('keeps the driver app’s and the console’s first screens under 150 kB of gzipped JavaScript, and the embeddable core under 50 kB', () => {
    // Each first screen holds the core (the app and the console build on the embeddable elements).
    expect(sizes.app_first_screen_gzip_bytes).toBeGreaterThan(sizes.core_gzip_bytes as number);
    expect(sizes.console_first_screen_gzip_bytes).toBeGreaterThan(sizes.core_gzip_bytes as number);
    expect(sizes.app_first_screen_gzip_bytes).toBeLessThan(150 * 1024);
    expect(sizes.console_first_screen_gzip_bytes).toBeLessThan(150 * 1024);
    expect(sizes.core_gzip_bytes).toBeLessThan(50 * 1024);
    // The core is what a partner's page loads: more than Lit and the SDK alone, so it was measured (not Leaflet's chunk).
    expect(sizes.core_gzip_bytes).toBeGreaterThan(20 * 1024);
    expect(sizes.core_gzip_bytes).not.toBe(sizes.leaflet_chunk_gzip_bytes);
  });
});
