import { hashPassword } from '../auth/secrets.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Scopes, Tx } from '../db/tenancy.js';
import { newestFirst, type Page, type PageRequest } from '../http/pagination.js';
import { problems } from '../http/problem.js';
import { newId } from '../shared/ids.js';
import type { ChargePoint, ChargePointInput, ChargePointUpdate } from './charge-points.model.js';

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

export class ChargePointsService {
  constructor(private readonly scopes: Scopes) {}

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
        if (!location || location.status === 'REMOVED') throw problems.validation([{ field: 'body.location_id', message: 'no such location in this network' }]);
        const id = newId('cp');
        await tx
          .insertInto('charge_points')
          .values({ tenant_id: tenantId, id, location_id: input.location_id, identity: input.identity, password_hash: passwordHash })
          .execute();
        return this.read(tx, tenantId, id);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw problems.conflict(`A charge point with identity "${input.identity}" exists already.`, 'identity-taken');
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
        if (Number(updated.numUpdatedRows) === 0) throw problems.notFound('charge point', id);
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
    if (!row) throw problems.notFound('charge point', id);
    return row;
  }
}
