import { defineConfig } from 'vitest/config';

// Unit tests sit next to the code (src/); the browser tests (test/) drive real headless Chromium.
export default defineConfig({
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000, pool: 'forks' },
});
