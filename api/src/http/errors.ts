import { ValidateError } from '@tsoa/runtime';
import type { NextFunction, Request, Response } from 'express';
import { isDatabaseUnavailable } from '../db/errors.js';
import { findNul } from '../shared/nul.js';
import { type FieldError, Problem, problems } from './problem.js';

function send(res: Response, req: Request, problem: Problem): void {
  for (const [name, value] of Object.entries(problem.extensions.headers ?? {})) res.setHeader(name, value);
  res
    .status(problem.status)
    .type('application/problem+json')
    .send(JSON.stringify(problem.toJSON(req.originalUrl, String(req.id ?? ''))));
}

/** tsoa names fields `requestBody.a`, `a.$0.b` or just `lat`; clients get `body.a[0].b` / `query.lat`. */
function fieldErrors(error: ValidateError, req: Request): FieldError[] {
  return Object.entries(error.fields).map(([raw, detail]) => {
    let field = raw.replace(/\.\$(\d+)/g, '[$1]').replace(/^requestBody\b/, 'body');
    if (!/^(body|query|path|header)\b/.test(field)) {
      const root = field.split(/[.[]/)[0] ?? '';
      // A path parameter: tsoa names it bare too; its value is one of the path's segments.
      const value = (detail as { value?: unknown }).value;
      if (!(root in (req.query as object)) && typeof value === 'string' && safeDecode(req.path).split('/').includes(value))
        return { field: `path.${field}`, message: detail.message };
      // A missing query parameter is in neither; requests without a body can only mean the query.
      const inQuery = root in (req.query as object) || ['GET', 'HEAD', 'DELETE'].includes(req.method);
      field = `${inQuery ? 'query' : 'body'}.${field}`;
    }
    return { field, message: detail.message };
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
  if (error instanceof ValidateError) return problems.validation(fieldErrors(error, req));
  const status = typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : 0;
  const type = typeof error === 'object' && error !== null && 'type' in error ? String(error.type) : '';
  if (type === 'entity.parse.failed') return problems.badRequest('The body is not valid JSON.');
  if (type === 'entity.too.large') return new Problem(413, 'payload-too-large', 'Payload too large', 'The body exceeds 1 MB.');
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
