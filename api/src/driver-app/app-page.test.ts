import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test/harness.js';

describe('the driver app shell at /app/', () => {
  let plain: TestApp;
  let demo: TestApp;
  beforeAll(async () => {
    plain = await startTestApp('pglite', { APP_PUBLISHABLE_KEY: 'pk_live_AppKeyForDrivers01' });
    demo = await startTestApp('pglite', { VOLTSHARE_DEMO: 'true' });
  });
  afterAll(async () => {
    await plain.close();
    await demo.close();
  });

  it('serves the shell with the configured publishable key, and signs the demo driver in only on the demo', async () => {
    await plain.http.get('/app').expect(301).expect('Location', '/app/');
    const page = await plain.http.get('/app/?demo').expect(200).expect('Content-Type', /html/);
    expect(page.text).toContain('<voltshare-app full-page publishable-key="pk_live_AppKeyForDrivers01">');
    expect(page.text).not.toMatch(/<voltshare-app[^>]* demo/);
    expect(page.text).toContain('<link rel="manifest" href="/app/manifest.webmanifest">');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const demoPage = await demo.http.get('/app/?demo').expect(200);
    expect(demoPage.text).toMatch(/<voltshare-app full-page publishable-key="pk_demo_[^"]+" demo>/);
    expect((await demo.http.get('/app/').expect(200)).text).not.toMatch(/<voltshare-app[^>]* demo>/);
  });

  it('is installable: a manifest, an icon and a service worker scoped to /app/', async () => {
    const manifest = await plain.http
      .get('/app/manifest.webmanifest')
      .expect(200)
      .expect('Content-Type', /manifest\+json/);
    expect(JSON.parse(manifest.text)).toMatchObject({
      start_url: '/app/',
      scope: '/app/',
      display: 'standalone',
      icons: [expect.objectContaining({ type: 'image/svg+xml' })],
    });
    await plain.http.get('/app/icon.svg').expect(200).expect('Content-Type', /svg/);
    const worker = await plain.http
      .get('/app/sw.js')
      .expect(200)
      .expect('Content-Type', /javascript/)
      .expect('Service-Worker-Allowed', '/app/');
    // Searches are kept for offline use; nothing signed in (sessions, payments) is.
    expect(worker.text).toContain("url.pathname === '/v1/locations'");
    expect(worker.text).not.toContain('/v1/me');
  });

  it('refuses a configured key that is not a publishable key', async () => {
    await expect(startTestApp('pglite', { APP_PUBLISHABLE_KEY: 'sk_live_secret' })).rejects.toThrow(/APP_PUBLISHABLE_KEY/);
  });
});
