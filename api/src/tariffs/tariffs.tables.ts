import type { ColumnType } from 'kysely';
import type { CreatedAt, Timestamp, UpdatedAt } from '../db/column-types.js';
import type { TariffElement } from './tariff-elements.js';

// The tables the tariffs module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

export interface TariffsTable {
  tenant_id: string;
  id: string;
  currency: string;
  elements: ColumnType<unknown, string | undefined, string>;
  vat_percent: ColumnType<number, number | undefined, number>;
  energy_price_per_kwh: number | null;
  flat_price: number | null;
  time_price_per_hour: number | null;
  display_text: string | null;
  min_price: ColumnType<number | null, number | null | undefined, number | null>;
  max_price: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** A network's dynamic off-peak rules for one tariff, its base elements and the day versions published. */
export interface TariffDynamicRulesTable {
  tenant_id: string;
  tariff_id: string;
  quiet_discount_percent: ColumnType<number, number, number>;
  peak_surcharge_percent: ColumnType<number, number, number>;
  quiet_free_share: ColumnType<number, number, number>;
  peak_busy_share: ColumnType<number, number, number>;
  min_energy_price: number | null;
  max_energy_price: number | null;
  held: ColumnType<boolean, boolean | undefined, boolean>;
  /** The tariff's own elements, as the network set them: each day version is put before them. */
  base_elements: ColumnType<TariffElement[], string, string>;
  /** The elements published per local date (`YYYY-MM-DD`). */
  published_days: ColumnType<Record<string, TariffElement[]>, string | undefined, string>;
  updated_at: Timestamp;
}
