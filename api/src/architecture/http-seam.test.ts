import { describe, expect, it } from 'vitest';
import { productionSources } from './source-tree.js';

/** The HTTP edge: controllers, routes and pages, the app, its authentication and the composition. */
const HTTP_EDGE = [
  /\.controller\.ts$/,
  /^http\//,
  /^app\.ts$/,
  /^cli\.ts$/,
  /^server\//,
  /^auth\/authentication\.ts$/,
  /^realtime\/realtime\.server\.ts$/,
  /^payments\/webhook-route\.ts$/,
  /^locations\/fast-discovery\.ts$/,
  /^db\/schema\.ts$/, // lists http's own table (idempotency keys)
];

describe('the HTTP seam', () => {
  it('domain code (services, models, flows, rules) never imports the HTTP layer: it raises domain errors', () => {
    const strangers = productionSources()
      .filter((file) => !HTTP_EDGE.some((edge) => edge.test(file.path)))
      .filter((file) => /from '(\.\.\/)+http\/|from '\.\/http\//.test(file.text))
      .map((file) => file.path);
    expect(strangers).toEqual([]);
  });
});
