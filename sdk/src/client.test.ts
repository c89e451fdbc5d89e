import { loadConfig, openDatabase, type RunningPlatform, startPlatform } from '@voltshare/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, unwrap, VoltshareError } from './index.js';

describe('SDK against the real API server', () => {
  let platform: RunningPlatform;
  beforeAll(async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      JWT_SECRET: 'sdk-test-secret-sdk-test-secret-0123456',
      VOLTSHARE_DEMO: 'true',
      DATA_DIR: '/tmp/voltshare-sdk-test',
    });
    platform = await startPlatform(config, await openDatabase({}));
  }, 60_000);
  afterAll(() => platform.stop());

  it('signs in with the demo owner and reads the network with typed results', async () => {
    const anonymous = createClient({ baseUrl: platform.url });
    const tokens = unwrap(await anonymous.POST('/v1/auth/login', { body: { email: 'owner@demo.voltshare.dev', password: 'demo-owner-password' } }));
    const client = createClient({ baseUrl: platform.url, credential: tokens.access_token });
    const network = unwrap(await client.GET('/v1/network'));
    expect(network.slug).toBe('voltshare-demo');
    const me = unwrap(await client.GET('/v1/me'));
    expect(me.role).toBe('owner');
  });

  it('throws a VoltshareError carrying the problem and its field errors', async () => {
    const client = createClient({ baseUrl: platform.url });
    const error = await client
      .POST('/v1/drivers', { body: { email: 'nope', name: 'x', password: 'short' } })
      .then(unwrap)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VoltshareError);
    expect((error as VoltshareError).status).toBe(422);
    expect((error as VoltshareError).problem.errors?.map((e) => e.field).sort()).toEqual(['body.email', 'body.password']);
  });
});
