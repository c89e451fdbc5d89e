import { sha256 } from '../auth/secrets.js';
import type { Services } from '../server/services.js';
import { DEMO } from './credentials.js';

export interface SeedResult {
  created: boolean;
  networkId: string;
}

/** Seeds the demo network once; later starts only refresh the publishable key's allowed origins. */
export async function seedDemo(services: Services, origins: string[]): Promise<SeedResult> {
  const { scopes } = services;
  const existing = await scopes.system((tx) => tx.selectFrom('networks').select('id').where('slug', '=', DEMO.network.slug).executeTakeFirst());
  let networkId = existing?.id;
  const created = !networkId;
  if (!networkId) {
    const { network, ownerId } = await services.networks.signUp({ network: { ...DEMO.network }, owner: { ...DEMO.owner } });
    networkId = network.id;
    await scopes.system((tx) => tx.updateTable('networks').set({ is_demo: true }).where('id', '=', network.id).execute());
    await services.drivers.register({ ...DEMO.driver, locale: 'en' });
    await services.apiKeys.create(
      networkId,
      ownerId,
      { kind: 'secret', name: 'Demo secret key', scopes: ['public:read', 'network:read', 'network:write', 'network:operate', 'support:write'] },
      DEMO.secretKey,
    );
    await services.apiKeys.create(networkId, ownerId, { kind: 'publishable', name: 'Demo publishable key', allowed_origins: origins }, DEMO.publishableKey);
  } else {
    const id = networkId;
    await scopes.tenant(id, (tx) =>
      tx.updateTable('api_keys').set({ allowed_origins: origins }).where('tenant_id', '=', id).where('key_hash', '=', sha256(DEMO.publishableKey)).execute(),
    );
  }
  return { created, networkId };
}

export async function containsDemoData(services: Services): Promise<boolean> {
  const row = await services.scopes.system((tx) => tx.selectFrom('networks').select('id').where('is_demo', '=', true).executeTakeFirst());
  return Boolean(row);
}
