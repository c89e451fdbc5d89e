/** PostgreSQL error codes the domain turns into clear problems (same codes from PGlite and pg). */
export function pgErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

export function constraintOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'constraint' in error && typeof error.constraint === 'string') return error.constraint;
  // PGlite reports the constraint only in the message.
  const message = error instanceof Error ? error.message : '';
  return /constraint "([^"]+)"/.exec(message)?.[1];
}

export const isUniqueViolation = (error: unknown, constraint?: string): boolean =>
  pgErrorCode(error) === '23505' && (constraint === undefined || constraintOf(error) === constraint);
