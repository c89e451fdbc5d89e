import type { CreatedAt } from '../db/column-types.js';

// The tables the partners module owns (see `db/table-owners.ts`): row types whose JSON names are the public snake_case names.

export type PartnerKind = 'automaker' | 'city' | 'utility';

export interface PartnersTable {
  id: string;
  name: string;
  kind: PartnerKind;
  created_at: CreatedAt;
}
