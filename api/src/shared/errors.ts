/**
 * Errors the domain raises, in its own terms: a kind (what went wrong, for every caller), a
 * stable code (which rule, e.g. `slot-taken`), a sentence for people, and for invalid input the
 * domain fields at fault. The HTTP layer maps them to RFC 9457 problems (`http/errors.ts`), the
 * OCPP gateway to CALLERRORs; services know neither.
 */
export type ErrorKind =
  | 'invalid'
  | 'not-found'
  | 'conflict'
  | 'forbidden'
  | 'unauthenticated'
  | 'payment-required'
  | 'timeout'
  | 'unavailable'
  | 'rate-limited';

export interface DomainFieldError {
  /** The input field at fault, as the domain names it (`start`, `scopes[2]`, `bbox`). */
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details: { fields?: DomainFieldError[]; data?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** The domain's errors, one constructor per kind. */
export const fail = {
  invalid: (fields: DomainFieldError[], detail = 'One or more fields are invalid.') => new DomainError('invalid', 'validation-error', detail, { fields }),
  notFound: (what = 'resource', id?: string) => new DomainError('not-found', 'not-found', id ? `No ${what} with id ${id}.` : `No such ${what}.`),
  conflict: (detail: string, code = 'conflict') => new DomainError('conflict', code, detail),
  forbidden: (detail = 'These credentials do not allow this operation.') => new DomainError('forbidden', 'forbidden', detail),
  unauthenticated: (detail = 'Credentials are missing, invalid or expired.') => new DomainError('unauthenticated', 'unauthenticated', detail),
  paymentRequired: (code: string, detail: string, data: Record<string, unknown> = {}) => new DomainError('payment-required', code, detail, { data }),
  timeout: (code: string, detail: string) => new DomainError('timeout', code, detail),
  /** Too much of something in too little time; `retryAfterSeconds` says when to try again. */
  rateLimited: (code: string, detail: string, retryAfterSeconds: number) =>
    new DomainError('rate-limited', code, detail, { data: { retry_after_seconds: retryAfterSeconds } }),
};
