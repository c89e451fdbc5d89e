import type { ColumnType } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../db/column-types.js';

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
