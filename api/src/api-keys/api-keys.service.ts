import { isPermission, type Permission, PUBLISHABLE_KEY_SCOPES, SECRET_KEY_SCOPES } from '../auth/permissions.js';
import { randomToken, sha256 } from '../auth/secrets.js';
import type { ApiKeysTable } from '../db/schema.js';
import type { Scopes } from '../db/tenancy.js';
import { type DomainFieldError, fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { newestFirst, type Page, type PageRequest } from '../shared/pagination.js';
import type { ApiKey, ApiKeyRequest, CreatedApiKey } from './api-keys.model.js';
import { insertKey, setAllowedOrigins } from './key-store.js';

const PREFIX_LENGTH = 12;

type ApiKeyRow = Omit<ApiKeysTable, 'created_at' | 'last_used_at' | 'revoked_at'> & { created_at: Date; last_used_at: Date | null; revoked_at: Date | null };

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes.filter(isPermission),
    allowed_origins: row.allowed_origins,
    created_at: row.created_at,
    last_used_at: row.last_used_at,
    revoked_at: row.revoked_at,
  };
}

function normaliseOrigin(value: string, index: number, errors: DomainFieldError[]): string | undefined {
  try {
    const url = new URL(value);
    if ((url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value.replace(/\/$/, '')) return url.origin;
  } catch {
    // reported below
  }
  errors.push({ field: `allowed_origins[${index}]`, message: 'must be an origin such as https://example.com (scheme, host and port only)' });
  return undefined;
}

/** Generates a key string: `sk_live_…` / `pk_live_…`; `demo` keys are recognisable as such. */
export function generateKey(kind: 'secret' | 'publishable', mode: 'live' | 'demo' = 'live'): string {
  return `${kind === 'secret' ? 'sk' : 'pk'}_${mode}_${randomToken(32)}`;
}

export class ApiKeysService {
  constructor(
    private readonly scopes: Scopes,
    /** Called after a revocation so this process stops trusting cached keys at once. */
    private readonly onRevoke: () => void = () => {},
  ) {}

  async create(tenantId: string, createdBy: string | undefined, input: ApiKeyRequest, fixedKey?: string): Promise<CreatedApiKey> {
    const errors: DomainFieldError[] = [];
    let scopes: Permission[];
    let origins: string[] = [];
    if (input.kind === 'secret') {
      scopes = input.scopes ?? ['public:read', 'network:read'];
      scopes.forEach((scope, i) => {
        if (!SECRET_KEY_SCOPES.includes(scope))
          errors.push({ field: `scopes[${i}]`, message: `a secret key cannot have ${scope}; allowed: ${SECRET_KEY_SCOPES.join(', ')}` });
      });
      if (input.allowed_origins?.length) errors.push({ field: 'allowed_origins', message: 'only publishable keys are restricted by origin' });
    } else {
      scopes = [...PUBLISHABLE_KEY_SCOPES];
      if (input.scopes?.some((s) => !PUBLISHABLE_KEY_SCOPES.includes(s))) {
        errors.push({ field: 'scopes', message: 'publishable keys only read public data' });
      }
      if (!input.allowed_origins?.length) errors.push({ field: 'allowed_origins', message: 'a publishable key needs at least one allowed origin' });
      origins = (input.allowed_origins ?? []).map((o, i) => normaliseOrigin(o, i, errors)).filter((o): o is string => o !== undefined);
    }
    if (errors.length) throw fail.invalid(errors);
    const key = fixedKey ?? generateKey(input.kind);
    const row = await this.scopes.tenant(tenantId, (tx) =>
      insertKey(tx, {
        id: newId('key'),
        tenant_id: tenantId,
        partner_id: null,
        kind: input.kind,
        name: input.name.trim(),
        prefix: key.slice(0, PREFIX_LENGTH),
        key_hash: sha256(key),
        scopes: [...new Set(scopes)],
        allowed_origins: origins,
        created_by: createdBy ?? null,
      }),
    );
    return { ...toApiKey(row), key };
  }

  list(tenantId: string, page: PageRequest): Promise<Page<ApiKey>> {
    return newestFirst(
      page,
      (before, limit) =>
        this.scopes.tenant(tenantId, (tx) =>
          tx
            .selectFrom('api_keys')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .$if(before !== undefined, (q) => q.where('id', '<', before as string))
            .orderBy('id', 'desc')
            .limit(limit)
            .execute(),
        ),
      toApiKey,
    );
  }

  /** Revoking twice is fine; a key of another network is simply not found. */
  /** Replaces the origins a publishable key (given in full) is allowed from. */
  async setAllowedOrigins(tenantId: string, key: string, origins: string[]): Promise<void> {
    await this.scopes.tenant(tenantId, (tx) => setAllowedOrigins(tx, tenantId, sha256(key), origins));
  }

  async revoke(tenantId: string, id: string): Promise<ApiKey> {
    const row = await this.scopes.tenant(tenantId, async (tx) => {
      await tx
        .updateTable('api_keys')
        .set({ revoked_at: new Date() })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
      return tx.selectFrom('api_keys').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    });
    if (!row) throw fail.notFound('API key', id);
    this.onRevoke();
    return toApiKey(row);
  }
}
