import createFetchClient from 'openapi-fetch';
import { VoltshareError } from './errors.js';
import type { components, paths } from './generated/schema.js';
import { paginate } from './pagination.js';
import { Realtime, type Subscription } from './realtime.js';
import { type RetryOptions, retryingFetch } from './retry.js';

export { type Problem, VoltshareError } from './errors.js';
export { type PageOf, paginate } from './pagination.js';
export { Realtime, type Subscription } from './realtime.js';
export { type RetryOptions, retryingFetch } from './retry.js';
export { verifyWebhook } from './webhooks.js';
export type { components, paths };

export type TokenPair = components['schemas']['TokenPair'];
export type LocationSummary = components['schemas']['LocationSummary'];
export type LocationSearch = NonNullable<paths['/v1/locations']['get']['parameters']['query']>;

export interface SignedInSession {
  access_token: string;
  refresh_token: string;
  /** Called with every new pair, to store it (refresh tokens rotate: the old one stops working). */
  onTokens?: (tokens: TokenPair) => void;
}

export interface ClientOptions {
  /** e.g. https://api.voltshare.dev or http://localhost:3000 */
  baseUrl: string;
  /** A secret key (servers), a publishable key (browsers), or an access token. */
  credential?: string | (() => string | undefined);
  /** A signed-in driver or staff member: the access token is refreshed when it expires. */
  session?: SignedInSession;
  /** Retries of failed requests (mutations carry an Idempotency-Key, so retrying is safe). */
  retry?: RetryOptions | false;
  fetch?: typeof globalThis.fetch;
  /** The reader's language (BCP 47), sent as Accept-Language: problems come back with titles in it. */
  language?: string | (() => string | undefined);
}

/**
 * A typed client for every route of the API (`client.GET('/v1/locations', …)`), plus what the
 * generated types cannot give: credentials and token refresh, safe retries, list iterators,
 * realtime subscriptions.
 */
export function createClient(options: ClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/$/, '');
  const base = options.fetch ?? globalThis.fetch.bind(globalThis);
  const network = options.retry === false ? base : retryingFetch(base, options.retry);
  const session = options.session;
  const credential = () => (session ? session.access_token : typeof options.credential === 'function' ? options.credential() : options.credential);

  let refreshing: Promise<boolean> | undefined;
  const refresh = () => {
    refreshing ??= (async () => {
      if (!session) return false;
      const res = await network(`${baseUrl}/v1/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: session.refresh_token }),
      });
      if (!res.ok) return false;
      const tokens = (await res.json()) as TokenPair;
      session.access_token = tokens.access_token;
      session.refresh_token = tokens.refresh_token;
      session.onTokens?.(tokens);
      return true;
    })().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  };

  const authorizedFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const body = request.body ? await request.arrayBuffer() : undefined;
    let sent: string | undefined;
    const send = () => {
      const attempt = new Request(request, { body });
      sent = credential();
      if (sent) attempt.headers.set('Authorization', `Bearer ${sent}`);
      const language = typeof options.language === 'function' ? options.language() : options.language;
      if (language && !attempt.headers.has('Accept-Language')) attempt.headers.set('Accept-Language', language);
      return network(attempt);
    };
    const response = await send();
    if (response.status !== 401 || !session || request.url.endsWith('/v1/auth/refresh')) return response;
    // An expired access token: refresh once (shared by concurrent requests; skipped when another
    // request already got a new token) and try again.
    if (sent === session.access_token && !(await refresh())) return response;
    await response.body?.cancel();
    return send();
  };

  const client = createFetchClient<paths>({ baseUrl, fetch: authorizedFetch });
  return Object.assign(client, {
    locations: {
      /** Every location matching a search, page after page. */
      list: (query: Omit<LocationSearch, 'cursor'>) =>
        paginate<LocationSummary>((cursor) => client.GET('/v1/locations', { params: { query: { ...query, cursor } } })),
    },
    /** Opens a socket.io connection with the client's credentials. */
    realtime: (onResync?: () => void) => new Realtime({ baseUrl, credential }, onResync),
  });
}

export type VoltshareClient = ReturnType<typeof createClient>;

/** Returns `data` of a result or throws a `VoltshareError` carrying the problem. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) throw VoltshareError.from(result.response.status, result.error);
  return result.data as T;
}

export type { Subscription as RealtimeSubscription };
