import { ValidateError } from '@tsoa/runtime';
import type { NextFunction, Request, Response } from 'express';
import { isDatabaseUnavailable } from '../db/errors.js';
import { DomainError, type ErrorKind } from '../shared/errors.js';
import { findNul } from '../shared/nul.js';
import { type FieldError, Problem, problems } from './problem.js';
import { localizeProblem, problemLanguage } from './problem-language.js';

function send(res: Response, req: Request, problem: Problem): void {
  for (const [name, value] of Object.entries(problem.extensions.headers ?? {})) res.setHeader(name, value);
  const language = problemLanguage(req);
  res
    .status(problem.status)
    .type('application/problem+json')
    .set({ 'Content-Language': language, Vary: 'Accept-Language' })
    .send(JSON.stringify(localizeProblem(problem.toJSON(req.originalUrl, String(req.id ?? '')), language)));
}

/**
 * Where a field named without its place came from: tsoa names fields `requestBody.a`, `a.$0.b`
 * or just `lat`, the domain `a` or `scopes[2]`; clients get `body.a[0].b`, `query.lat`, `path.id`.
 */
function locateField(raw: string, req: Request, value?: unknown): string {
  const field = raw.replace(/\.\$(\d+)/g, '[$1]').replace(/^requestBody\b/, 'body');
  if (/^(body|query|path|header)\b/.test(field)) return field;
  const root = field.split(/[.[]/)[0] ?? '';
  // A path parameter: named bare too; its value is one of the path's segments.
  if (!(root in (req.query as object)) && typeof value === 'string' && safeDecode(req.path).split('/').includes(value)) return `path.${field}`;
  // A missing query parameter is in neither; requests without a body can only mean the query.
  const inQuery = root in (req.query as object) || ['GET', 'HEAD', 'DELETE'].includes(req.method);
  return `${inQuery ? 'query' : 'body'}.${field}`;
}

function fieldErrors(error: ValidateError, req: Request): FieldError[] {
  return Object.entries(error.fields).map(([raw, detail]) => ({
    field: locateField(raw, req, (detail as { value?: unknown }).value),
    message: detail.message,
  }));
}

const STATUS: Record<ErrorKind, number> = {
  invalid: 422,
  'not-found': 404,
  conflict: 409,
  forbidden: 403,
  unauthenticated: 401,
  'payment-required': 402,
  timeout: 504,
  unavailable: 503,
  'rate-limited': 429,
};
const TITLE: Record<ErrorKind, string> = {
  invalid: 'Validation failed',
  'not-found': 'Not found',
  conflict: 'Conflict',
  forbidden: 'Not allowed',
  unauthenticated: 'Authentication required',
  'payment-required': 'Payment required',
  timeout: 'No answer in time',
  unavailable: 'Service unavailable',
  'rate-limited': 'Too many requests',
};
/** Rules whose problems have a title of their own. */
const TITLE_OF_CODE: Record<string, string> = {
  'unpaid-fees': 'Unpaid fees',
  'payment-declined': 'Payment declined',
  'charge-point-timeout': 'Charge point did not answer',
};

/** The one mapping of domain errors onto RFC 9457 problems. */
export function problemOf(error: DomainError, req: Request): Problem {
  const { fields, data } = error.details;
  return new Problem(STATUS[error.kind], error.code, TITLE_OF_CODE[error.code] ?? TITLE[error.kind], error.message, {
    ...data,
    ...(fields ? { errors: fields.map((f) => ({ field: locateField(f.field, req), message: f.message })) } : {}),
    ...(error.kind === 'unauthenticated' ? { headers: { 'WWW-Authenticate': 'Bearer realm="voltshare"' } } : {}),
    ...(error.kind === 'rate-limited' ? { headers: { 'Retry-After': String(data?.retry_after_seconds ?? 60) } } : {}),
  });
}

/** One rule at the edge: a NUL character in the path, the query or a JSON string is refused, naming where. */
export function refuseNul(req: Request, res: Response, next: NextFunction): void {
  let path: string | undefined;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    send(res, req, problems.badRequest('The path is not valid percent-encoding.'));
    return;
  }
  const field = path.includes('\u0000') ? 'path' : (findNul(req.query, 'query') ?? (req.body === undefined ? undefined : findNul(req.body, 'body')));
  if (field) send(res, req, problems.validation([{ field, message: 'must not contain NUL characters' }]));
  else next();
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

export function notFoundHandler(req: Request, res: Response): void {
  send(res, req, new Problem(404, 'route-not-found', 'Not found', `No route for ${req.method} ${req.path}.`));
}

function toProblem(error: unknown, req: Request): Problem | undefined {
  if (error instanceof Problem) return error;
  if (error instanceof DomainError) return problemOf(error, req);
  if (error instanceof ValidateError) return problems.validation(fieldErrors(error, req));
  const status = typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : 0;
  const type = typeof error === 'object' && error !== null && 'type' in error ? String(error.type) : '';
  if (type === 'entity.parse.failed') return problems.badRequest('The body is not valid JSON.');
  if (type === 'entity.too.large') {
    const limit = typeof error === 'object' && error !== null && 'limit' in error ? Number(error.limit) : 1024 * 1024;
    return new Problem(413, 'payload-too-large', 'Payload too large', `The body exceeds ${Math.round(limit / 1024 / 1024)} MB.`);
  }
  if (status >= 400 && status < 500) return new Problem(status, 'bad-request', 'Bad request', error instanceof Error ? error.message : undefined);
  if (isDatabaseUnavailable(error)) return problems.unavailable();
  return undefined;
}

/** Turns anything thrown into problem+json; an unexpected error is logged and shown only as a 500 with the request id. */
export function errorHandler(error: unknown, req: Request, res: Response, _next: NextFunction): void {
  if (res.headersSent) {
    req.log?.error({ err: error }, 'error after response started');
    res.end();
    return;
  }
  const problem = toProblem(error, req);
  if (problem) {
    send(res, req, problem);
    return;
  }
  req.log?.error({ err: error }, 'unhandled error');
  send(res, req, new Problem(500, 'internal', 'Internal server error', 'Something went wrong on our side. Quote the request_id when reporting it.'));
}
