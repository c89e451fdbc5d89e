import { sql } from 'kysely';
import { hashPassword } from '../auth/secrets.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Scopes, Tx } from '../db/tenancy.js';
import { fail } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { newestFirst, type Page, type PageRequest } from '../shared/pagination.js';
import type { ChargePoint, ChargePointIdentity, ChargePointInput, ChargePointUpdate } from './charge-points.model.js';

const COLUMNS = [
  'id',
  'identity',
  'location_id',
  'vendor',
  'model',
  'serial_number',
  'firmware_version',
  'ocpp_version',
  'online',
  'last_seen_at',
  'status',
  'created_at',
  'has_password',
] as const;

/** What a charger says about itself when it boots. */
export interface BootInfo {
  vendor: string;
  model: string;
  serialNumber?: string;
  firmwareVersion?: string;
}

export class ChargePointsService {
  constructor(private readonly scopes: Scopes) {}

  // ---- presence: what the gateway learns of a charger -------------------------------------------

  async findByIdentity(identity: string): Promise<ChargePointIdentity | undefined> {
    const row = await this.scopes.system((tx) =>
      tx
        .selectFrom('charge_points')
        .select(['tenant_id', 'id', 'identity', 'password_hash'])
        .where('identity', '=', identity)
        .where('status', '=', 'ACTIVE')
        .executeTakeFirst(),
    );
    return row ? { tenantId: row.tenant_id, chargePointId: row.id, identity: row.identity, passwordHash: row.password_hash } : undefined;
  }

  /** The identity a charge point connects with, for commands to it. */
  async identityOf(tenantId: string, chargePointId: string): Promise<string | undefined> {
    const row = await this.scopes.tenant(tenantId, (tx) =>
      tx.selectFrom('charge_points').select('identity').where('tenant_id', '=', tenantId).where('id', '=', chargePointId).executeTakeFirst(),
    );
    return row?.identity;
  }

  async markConnected(tenantId: string, chargePointId: string, online: boolean): Promise<void> {
    await this.scopes.tenant(tenantId, (tx) =>
      tx
        .updateTable('charge_points')
        .set({ online, last_seen_at: new Date(), updated_at: new Date() })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', chargePointId)
        .execute(),
    );
  }

  /** Marks many of a network's charge points seen now, in one statement (traffic from thousands of chargers). */
  async markSeen(tenantId: string, chargePointIds: string[]): Promise<void> {
    if (chargePointIds.length === 0) return;
    await this.scopes.tenant(tenantId, (tx) =>
      tx
        .updateTable('charge_points')
        .set({ last_seen_at: new Date() })
        .where('tenant_id', '=', tenantId)
        .where(sql<boolean>`id = any(${chargePointIds}::text[])`)
        .execute(),
    );
  }

  async recordBoot(tenantId: string, chargePointId: string, info: BootInfo): Promise<void> {
    await this.scopes.tenant(tenantId, (tx) =>
      tx
        .updateTable('charge_points')
        .set({
          vendor: info.vendor,
          model: info.model,
          serial_number: info.serialNumber ?? null,
          firmware_version: info.firmwareVersion ?? null,
          last_seen_at: new Date(),
          updated_at: new Date(),
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', chargePointId)
        .execute(),
    );
  }

  // ---- registration: what staff manage -----------------------------------------------------------

  async create(tenantId: string, input: ChargePointInput): Promise<ChargePoint> {
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    try {
      return await this.scopes.tenant(tenantId, async (tx) => {
        const location = await tx
          .selectFrom('locations')
          .select('status')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', input.location_id)
          .executeTakeFirst();
        if (!location || location.status === 'REMOVED') throw fail.invalid([{ field: 'location_id', message: 'no such location in this network' }]);
        const id = newId('cp');
        await tx
          .insertInto('charge_points')
          .values({ tenant_id: tenantId, id, location_id: input.location_id, identity: input.identity, password_hash: passwordHash })
          .execute();
        return this.read(tx, tenantId, id);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw fail.conflict(`A charge point with identity "${input.identity}" exists already.`, 'identity-taken');
      throw error;
    }
  }

  async update(tenantId: string, id: string, input: ChargePointUpdate): Promise<ChargePoint> {
    const passwordHash = input.password ? await hashPassword(input.password) : undefined;
    return this.scopes.tenant(tenantId, async (tx) => {
      if (passwordHash) {
        const updated = await tx
          .updateTable('charge_points')
          .set({ password_hash: passwordHash, updated_at: new Date() })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) throw fail.notFound('charge point', id);
      }
      return this.read(tx, tenantId, id);
    });
  }

  get(tenantId: string, id: string): Promise<ChargePoint> {
    return this.scopes.tenant(tenantId, (tx) => this.read(tx, tenantId, id));
  }

  list(tenantId: string, page: PageRequest): Promise<Page<ChargePoint>> {
    return newestFirst(
      page,
      (before, limit) =>
        this.scopes.tenant(tenantId, (tx) =>
          tx
            .selectFrom('charge_points')
            .select(COLUMNS)
            .where('tenant_id', '=', tenantId)
            .$if(before !== undefined, (q) => q.where('id', '<', before as string))
            .orderBy('id', 'desc')
            .limit(limit)
            .execute(),
        ),
      (r) => r,
    );
  }

  private async read(tx: Tx, tenantId: string, id: string): Promise<ChargePoint> {
    const row = await tx.selectFrom('charge_points').select(COLUMNS).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    if (!row) throw fail.notFound('charge point', id);
    return row;
  }
}
