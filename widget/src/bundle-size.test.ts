import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Written by the build (build.mjs); the test suite runs after it.
const sizes = JSON.parse(readFileSync(new URL('../dist/bundle/sizes.json', import.meta.url), 'utf8')) as Record<string, number>;

describe('bundle size', () => {
  it('keeps the driver app’s first screen under 150 kB of gzipped JavaScript, and the core under 50 kB', () => {
    expect(sizes.app_first_screen_gzip_bytes).toBeGreaterThan(sizes.core_gzip_bytes as number);
    expect(sizes.app_first_screen_gzip_bytes).toBeLessThan(150 * 1024);
    expect(sizes.core_gzip_bytes).toBeLessThan(50 * 1024);
  });
});
