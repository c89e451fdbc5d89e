import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, backends, bearer, signUpNetwork, startTestApp, type TestApp } from '../test/harness.js';
import { PartnersService } from './partners.service.js';

describe.each(backends())('partners on %s', (backend: Backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  it('a partner key reads public data of every network and nothing of any network', async () => {
    const partner = await new PartnersService(t.services.scopes).create('City of Luxembourg', 'city');
    expect(partner.secret_key).toMatch(/^sk_live_/);
    const me = await t.http.get('/v1/me').set(bearer(partner.secret_key)).expect(200);
    expect(me.body).toMatchObject({ kind: 'secret_key', network_id: null, permissions: ['forecast:area', 'public:read'] });
    await t.http.get('/v1/locations?lat=49.6&lng=6.1&radius_m=1000').set(bearer(partner.secret_key)).expect(200);
    await signUpNetwork(t.http);
    await t.http.get('/v1/network').set(bearer(partner.secret_key)).expect(403);
    await t.http.get('/v1/sessions').set(bearer(partner.secret_key)).expect(403);
    const stored = await t.services.scopes.system((tx) => tx.selectFrom('api_keys').selectAll().where('partner_id', '=', partner.id).execute());
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(partner.secret_key);
  });

  it('refuses a bad kind or name', async () => {
    const service = new PartnersService(t.services.scopes);
    await expect(service.create('', 'city')).rejects.toMatchObject({ kind: 'invalid' });
    await expect(service.create('Acme', 'bank' as never)).rejects.toMatchObject({ kind: 'invalid' });
  });
});
