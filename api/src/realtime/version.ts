import { sql } from 'kysely';

/**
 * The realtime version: every change a client may see gets a higher number from one sequence,
 * so a client keeps the newest of two copies of anything. Use it as a column value.
 */
export const nextVersion = () => sql`nextval('realtime_version_seq')` as never;
