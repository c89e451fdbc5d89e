import { sql, type Transaction } from 'kysely';
import type { Db } from './database.js';
import type { Database } from './schema.js';

export type Tx = Transaction<Database>;

/**
 * The only ways the domain reaches the database. Each is one transaction.
 *
 * - `tenant(id)`: runs as the restricted role with `app.tenant_id` set; row-level security
 *   hides and rejects every other tenant's rows even if a query forgets its filter.
 * - `system()`: cross-tenant work that has no tenant yet (login, key lookup, sign-up, the
 *   gateway finding a charge point by identity). Keep these few and narrow.
 */
export class Scopes {
  constructor(readonly db: Db) {}

  tenant<T>(tenantId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    if (!tenantId) throw new Error('tenant scope needs a tenant id');
    return this.db.transaction().execute(async (tx) => {
      // One round trip: set_config('role', …, true) is SET LOCAL ROLE.
      await sql`select set_config('app.tenant_id', ${tenantId}, true), set_config('role', 'voltshare_app', true)`.execute(tx);
      return work(tx);
    });
  }

  /**
   * Public reads (discovery, open data): published locations of every network that shares
   * publicly, plus all of the caller's own network when `tenantId` is given. Read-only.
   */
  public<T>(tenantId: string | undefined, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (tx) => {
      await sql`select set_config('app.tenant_id', ${tenantId ?? ''}, true), set_config('app.public_read', 'on', true),
                       set_config('role', 'voltshare_app', true), set_config('transaction_read_only', 'on', true)`.execute(tx);
      return work(tx);
    });
  }

  system<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }
}
