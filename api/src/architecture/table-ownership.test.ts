import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TABLE_OWNERS } from '../db/table-owners.js';
import { moduleOf, productionSources, SOURCE_ROOT } from './source-tree.js';

/** Kysely writes (`insertInto('t')`, `updateTable('t')`, `deleteFrom('t')`, `mergeInto('t')`) and raw SQL ones. */
const KYSELY_WRITE = /\b(?:insertInto|updateTable|deleteFrom|mergeInto)\(\s*['"`]([a-z_]+)['"`]/g;
const SQL_WRITE = /\b(?:insert\s+into|update|delete\s+from|merge\s+into|truncate)\s+([a-z_]+)\s/gi;

function writesIn(text: string): string[] {
  const tables = [...text.matchAll(KYSELY_WRITE)].map((m) => m[1] as string);
  // Raw SQL lives in sql`…` templates; only names of tables count, so prose ("update the …") does not.
  for (const template of text.matchAll(/sql`([^`]*)`/g)) {
    for (const m of (template[1] as string).matchAll(SQL_WRITE)) if ((m[1] as string) in TABLE_OWNERS) tables.push(m[1] as string);
  }
  return tables;
}

describe('table ownership', () => {
  it('every table is written only by the module that owns it', () => {
    const strangers = productionSources().flatMap((file) =>
      writesIn(file.text)
        .filter((table) => table in TABLE_OWNERS && TABLE_OWNERS[table as keyof typeof TABLE_OWNERS] !== moduleOf(file.path))
        .map((table) => `${file.path} writes ${table}, owned by ${TABLE_OWNERS[table as keyof typeof TABLE_OWNERS]}`),
    );
    expect(strangers).toEqual([]);
  });

  it('every table written anywhere has an owner', () => {
    const unowned = productionSources().flatMap((file) =>
      [...file.text.matchAll(KYSELY_WRITE)].map((m) => m[1] as string).filter((table) => !(table in TABLE_OWNERS)),
    );
    expect(unowned).toEqual([]);
  });

  it("each table's row type is declared in its owner's tables file, and db/schema.ts only lists them", () => {
    const schema = readFileSync(join(SOURCE_ROOT, 'db/schema.ts'), 'utf8');
    const misplaced = Object.entries(TABLE_OWNERS).flatMap(([table, owner]) => {
      const rowType = new RegExp(`\\n  ${table}: (\\w+);`).exec(schema)?.[1];
      const tables = readFileSync(join(SOURCE_ROOT, owner, `${owner}.tables.ts`), 'utf8');
      return rowType && tables.includes(`export interface ${rowType} {`)
        ? []
        : [`${table} (${rowType ?? 'not in Database'}) is not declared in ${owner}/${owner}.tables.ts`];
    });
    expect(misplaced).toEqual([]);
    expect(schema).not.toMatch(/export interface \w+Table \{/);
  });

  it('the check sees Kysely and raw SQL writes, and not prose', () => {
    expect(writesIn("tx.updateTable('reservations').set({})")).toEqual(['reservations']);
    expect(writesIn("tx\n  .insertInto( 'queue_offers' )")).toEqual(['queue_offers']);
    expect(writesIn('sql`insert into jobs (kind) values (1)`')).toEqual(['jobs']);
    expect(writesIn('sql`update charge_points set online = false`')).toEqual(['charge_points']);
    expect(writesIn('// we update the reservations when …')).toEqual([]);
  });
});
