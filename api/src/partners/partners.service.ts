import { generateKey } from '../api-keys/api-keys.service.js';
import { insertKey } from '../api-keys/key-store.js';
import type { Permission } from '../auth/permissions.js';
import { sha256 } from '../auth/secrets.js';
import type { PartnerKind } from '../db/schema.js';
import type { Scopes } from '../db/tenancy.js';
import { fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';

export interface CreatedPartner {
  id: string;
  name: string;
  kind: PartnerKind;
  /** Shown once. */
  secret_key: string;
}

/** What a partner's server key may do today: read public data across networks. */
const PARTNER_SCOPES: Permission[] = ['public:read'];
/** Cities also read demand forecasts aggregated over their area. */
const CITY_SCOPES: Permission[] = [...PARTNER_SCOPES, 'forecast:area'];
/** Utilities also push grid signals for the sites networks name them grid operator of. */
const UTILITY_SCOPES: Permission[] = [...CITY_SCOPES, 'grid:signal'];

/**
 * Automakers, cities and utilities. They are created by the platform's operators (CLI), not
 * by networks, and their keys belong to no network.
 */
export class PartnersService {
  constructor(private readonly scopes: Scopes) {}

  async create(name: string, kind: PartnerKind): Promise<CreatedPartner> {
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 200) throw fail.invalid([{ field: 'name', message: 'must be 1–200 characters' }]);
    if (!['automaker', 'city', 'utility'].includes(kind)) throw fail.invalid([{ field: 'kind', message: 'must be automaker, city or utility' }]);
    const id = newId('ptn');
    const key = generateKey('secret');
    await this.scopes.system(async (tx) => {
      await tx.insertInto('partners').values({ id, name: trimmed, kind }).execute();
      await insertKey(tx, {
        id: newId('key'),
        tenant_id: null,
        partner_id: id,
        kind: 'secret',
        name: `${trimmed} server key`,
        prefix: key.slice(0, 12),
        key_hash: sha256(key),
        scopes: kind === 'utility' ? UTILITY_SCOPES : kind === 'city' ? CITY_SCOPES : PARTNER_SCOPES,
        allowed_origins: [],
        created_by: null,
      });
    });
    return { id, name: trimmed, kind, secret_key: key };
  }
}
