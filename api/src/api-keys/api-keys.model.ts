import type { Permission } from '../auth/permissions.js';
import type { ShortText } from '../shared/validation.js';

export type ApiKeyKind = 'secret' | 'publishable';

export interface ApiKey {
  id: string;
  kind: ApiKeyKind;
  name: string;
  /** The first characters of the key, enough to recognise it; the rest is never shown again. */
  prefix: string;
  scopes: Permission[];
  allowed_origins: string[];
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface CreatedApiKey extends ApiKey {
  /** The whole key. Shown only in this response; store it now. */
  key: string;
}

export interface ApiKeyRequest {
  kind: ApiKeyKind;
  /**
   * @minLength 1
   * @maxLength 100
   */
  name: string;
  /** Secret keys: what the key may do (defaults to read-only). Publishable keys are always public:read. */
  scopes?: Permission[];
  /**
   * Publishable keys: the web origins allowed to use it, e.g. https://cars.example.com.
   * @maxItems 20
   */
  allowed_origins?: ShortText[];
}
