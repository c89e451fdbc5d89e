import type { Scopes } from '../db/tenancy.js';
import { newestFirst, type Page, type PageRequest } from '../http/pagination.js';
import { newId } from '../shared/ids.js';
import type { Tariff, TariffInput } from './tariffs.model.js';

type Row = {
  id: string;
  currency: string;
  energy_price_per_kwh: number | null;
  flat_price: number | null;
  time_price_per_hour: number | null;
  vat_percent: number | string;
  display_text: string | null;
  created_at: Date;
};

const toTariff = (r: Row): Tariff => ({ ...r, vat_percent: Number(r.vat_percent) });

/**
 * The headline prices a driver sees before starting (AFIR ad-hoc price). The payments work
 * extends this to full OCPI tariff elements with restrictions.
 */
export class TariffsService {
  constructor(private readonly scopes: Scopes) {}

  async create(tenantId: string, input: TariffInput): Promise<Tariff> {
    const row = await this.scopes.tenant(tenantId, (tx) =>
      tx
        .insertInto('tariffs')
        .values({
          tenant_id: tenantId,
          id: newId('trf'),
          currency: input.currency,
          energy_price_per_kwh: input.energy_price_per_kwh ?? null,
          flat_price: input.flat_price ?? null,
          time_price_per_hour: input.time_price_per_hour ?? null,
          vat_percent: input.vat_percent ?? 0,
          display_text: input.display_text ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    return toTariff(row);
  }

  list(tenantId: string, page: PageRequest): Promise<Page<Tariff>> {
    return newestFirst(
      page,
      (before, limit) =>
        this.scopes.tenant(tenantId, (tx) =>
          tx
            .selectFrom('tariffs')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .$if(before !== undefined, (q) => q.where('id', '<', before as string))
            .orderBy('id', 'desc')
            .limit(limit)
            .execute(),
        ),
      toTariff,
    );
  }
}
