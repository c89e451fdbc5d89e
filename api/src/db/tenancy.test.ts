import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, openTestDatabase, unique } from '../test/harness.js';
import type { DatabaseHandle } from './database.js';
import { Scopes } from './tenancy.js';

describe.each(backends())('row-level security on %s', (backend) => {
  let handle: DatabaseHandle;
  let scopes: Scopes;
  const a = unique('net_a');
  const b = unique('net_b');

  beforeAll(async () => {
    handle = await openTestDatabase(backend);
    scopes = new Scopes(handle.db);
    await scopes.system(async (tx) => {
      for (const id of [a, b]) {
        await tx
          .insertInto('networks')
          .values({ id, name: id, slug: id.replace(/_/g, '-').toLowerCase().slice(0, 60), country: 'LU', currency: 'EUR' })
          .execute();
        await tx
          .insertInto('api_keys')
          .values({
            id: `key_${id}`,
            tenant_id: id,
            partner_id: null,
            kind: 'secret',
            name: 'k',
            prefix: 'sk_',
            key_hash: `hash-${id}`,
            scopes: [],
            allowed_origins: [],
          })
          .execute();
      }
    });
  });
  afterAll(() => handle.close());

  it('a query without a tenant filter sees only the current tenant rows', async () => {
    const seen = await scopes.tenant(a, (tx) => tx.selectFrom('api_keys').select(['id', 'tenant_id']).execute());
    expect(seen.map((r) => r.tenant_id)).toEqual([a]);
    const networks = await scopes.tenant(b, (tx) => tx.selectFrom('networks').select('id').execute());
    expect(networks.map((r) => r.id)).toEqual([b]);
  });

  it('cannot read another tenant row even by its id', async () => {
    const row = await scopes.tenant(a, (tx) => tx.selectFrom('api_keys').selectAll().where('id', '=', `key_${b}`).executeTakeFirst());
    expect(row).toBeUndefined();
  });

  it('cannot update or delete another tenant rows', async () => {
    const updated = await scopes.tenant(a, (tx) => tx.updateTable('api_keys').set({ name: 'stolen' }).where('id', '=', `key_${b}`).executeTakeFirst());
    expect(Number(updated.numUpdatedRows)).toBe(0);
    const deleted = await scopes.tenant(a, (tx) => tx.deleteFrom('api_keys').where('id', '=', `key_${b}`).executeTakeFirst());
    expect(Number(deleted.numDeletedRows)).toBe(0);
    const still = await scopes.system((tx) => tx.selectFrom('api_keys').select('name').where('id', '=', `key_${b}`).executeTakeFirstOrThrow());
    expect(still.name).toBe('k');
  });

  it('rejects inserting a row for another tenant', async () => {
    await expect(
      scopes.tenant(a, (tx) =>
        tx
          .insertInto('api_keys')
          .values({
            id: unique('key_x'),
            tenant_id: b,
            partner_id: null,
            kind: 'secret',
            name: 'x',
            prefix: 'sk_',
            key_hash: unique('h'),
            scopes: [],
            allowed_origins: [],
          })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('fails closed: the app role with no tenant set sees no rows at all', async () => {
    const seen = await handle.db.transaction().execute(async (tx) => {
      await sql`set local role voltshare_app`.execute(tx);
      return tx.selectFrom('api_keys').select('id').execute();
    });
    expect(seen).toEqual([]);
  });

  it('the system scope sees every tenant (used only for login, key lookup, sign-up)', async () => {
    const all = await scopes.system((tx) => tx.selectFrom('api_keys').select('tenant_id').where('tenant_id', 'in', [a, b]).execute());
    expect(all).toHaveLength(2);
  });
});
