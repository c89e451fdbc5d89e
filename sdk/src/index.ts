import createFetchClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './generated/schema.js';

export type { components, paths };
export type Problem = components['schemas']['ProblemDocument'];

/** An API error as thrown by `unwrap`: the RFC 9457 problem the server sent. */
export class VoltshareError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem> & { errors?: { field: string; message: string }[] },
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'VoltshareError';
  }
}

export interface ClientOptions {
  /** e.g. https://api.voltshare.dev or http://localhost:3000 */
  baseUrl: string;
  /** A secret key (servers), a publishable key (browsers), or a driver/staff access token. */
  credential?: string | (() => string | undefined);
  fetch?: typeof globalThis.fetch;
}

export function createClient(options: ClientOptions) {
  const client = createFetchClient<paths>({ baseUrl: options.baseUrl.replace(/\/$/, ''), fetch: options.fetch });
  const auth: Middleware = {
    onRequest({ request }) {
      const credential = typeof options.credential === 'function' ? options.credential() : options.credential;
      if (credential) request.headers.set('Authorization', `Bearer ${credential}`);
      return request;
    },
  };
  client.use(auth);
  return client;
}

/** Returns `data` of an openapi-fetch result or throws a `VoltshareError` carrying the problem. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    throw new VoltshareError(result.response.status, (result.error ?? {}) as Problem);
  }
  return result.data as T;
}
