import { createHash } from 'node:crypto';

/** The fields of an entry that its hash covers (everything but the hash itself). */
export interface ChainedFields {
  tenant_id: string;
  id: string;
  seq: number;
  actor_user_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string;
  outcome: string;
  detail: unknown;
  at: Date;
}

/** JSON with object keys sorted at every depth, so the bytes hashed do not depend on how jsonb stores them. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The first entry of a network's chain follows this. */
export const GENESIS = '0'.repeat(64);

/** SHA-256 over the previous entry's hash and this entry's fields: editing, removing or reordering any entry breaks every hash after it. */
export function entryHash(previous: string, entry: ChainedFields): string {
  return createHash('sha256')
    .update(previous)
    .update('\n')
    .update(canonicalJson({ ...entry, at: entry.at.toISOString() }))
    .digest('hex');
}
