/**
 * RFC 9457 problem details. Every error a client sees is one of these, with a stable `type`
 * (documented under /docs/problems) and, for validation, per-field `errors`.
 */
export interface FieldError {
  /** JSON path of the offending field, e.g. `body.email`. */
  field: string;
  message: string;
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  request_id?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const TYPE_BASE = 'https://voltshare.dev/problems/';

export class Problem extends Error {
  readonly type: string;
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: { errors?: FieldError[]; headers?: Record<string, string>; [k: string]: unknown } = {},
  ) {
    super(detail ?? title);
    this.name = 'Problem';
    this.type = TYPE_BASE + slug;
  }

  toJSON(instance?: string, requestId?: string): ProblemDocument {
    const { headers: _headers, ...extensions } = this.extensions;
    return {
      type: this.type,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      ...(requestId ? { request_id: requestId } : {}),
      ...extensions,
    };
  }
}

export const problems = {
  badRequest: (detail: string) => new Problem(400, 'bad-request', 'The request could not be read', detail),
  validation: (errors: FieldError[], detail = 'One or more fields are invalid.') =>
    new Problem(422, 'validation-error', 'Validation failed', detail, { errors }),
  unauthenticated: (detail = 'Credentials are missing, invalid or expired.') =>
    new Problem(401, 'unauthenticated', 'Authentication required', detail, {
      headers: { 'WWW-Authenticate': 'Bearer realm="voltshare"' },
    }),
  forbidden: (detail = 'These credentials do not allow this operation.') => new Problem(403, 'forbidden', 'Not allowed', detail),
  notFound: (what = 'resource', id?: string) => new Problem(404, 'not-found', 'Not found', id ? `No ${what} with id ${id}.` : `No such ${what}.`),
  conflict: (detail: string, slug = 'conflict') => new Problem(409, slug, 'Conflict', detail),
  /** A network that refuses bookings until the driver's failed fees are paid; `fees` says which. */
  unpaidFees: (fees: { id: string; reservation_id: string; kind: string; amount: number; currency: string }[]) =>
    new Problem(402, 'unpaid-fees', 'Unpaid fees', 'This network takes new bookings once your unpaid fees are paid (retry each fee).', { fees }),
  tooManyRequests: (retryAfterSeconds: number) =>
    new Problem(429, 'rate-limited', 'Too many requests', `Try again in ${retryAfterSeconds} s.`, {
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
  idempotencyMismatch: () =>
    new Problem(
      422,
      'idempotency-key-reused',
      'Idempotency key reused with another request',
      'This Idempotency-Key was already used with a different method, path or body.',
    ),
  /** The database is away for now: the client should retry, as the Retry-After header says. */
  unavailable: (retryAfterSeconds = 5) =>
    new Problem(
      503,
      'service-unavailable',
      'Service unavailable',
      'The service cannot reach its database right now; try again shortly (writes with the same Idempotency-Key).',
      {
        headers: { 'Retry-After': String(retryAfterSeconds) },
      },
    ),
  idempotencyInProgress: () => new Problem(409, 'idempotency-key-in-progress', 'Request still in progress', 'Retry once the first request has finished.'),
};
