import { hash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import proxyaddr from 'proxy-addr';
import { headerMiddlewares, requestIdOf } from '../app.js';
import type { Principal } from '../auth/principal.js';
import openapi from '../generated/swagger.json' with { type: 'json' };
import { pageRequest } from '../http/pagination.js';
import type { Services } from '../server/services.js';
import { type DiscoveryQuery, parseBbox } from './discovery-query.js';
import type { Capability, ConnectorStandard } from './locations.model.js';

type Query = DiscoveryQuery & { limit?: number; cursor?: string };

const NUMBERS = ['lat', 'lng', 'radius_m', 'min_power_kw', 'max_price_per_kwh', 'min_reliability', 'limit'] as const;
const BOOLEANS = ['available_now', 'open_now', 'green'] as const;
// The same enums tsoa validates with, from the generated OpenAPI document.
const STANDARDS = new Set<string>(openapi.components.schemas.ConnectorStandard.enum);
const CAPABILITIES = new Set<string>(openapi.components.schemas.Capability.enum);

/** Parses the search the way the generated route does, or gives up (undefined) on anything unusual. */
function parseQuery(search: string): Query | undefined {
  const params = new URLSearchParams(search);
  const q: Query = {};
  const seen = new Set<string>();
  for (const [key, value] of params) {
    const repeated = seen.has(key);
    seen.add(key);
    if ((NUMBERS as readonly string[]).includes(key)) {
      const n = Number(value);
      if (repeated || value.trim() === '' || !Number.isFinite(n)) return undefined;
      (q as Record<string, number>)[key] = n;
    } else if ((BOOLEANS as readonly string[]).includes(key)) {
      if (repeated || (value !== 'true' && value !== 'false')) return undefined;
      (q as Record<string, boolean>)[key] = value === 'true';
    } else if (key === 'connector_standard') {
      if (!STANDARDS.has(value)) return undefined;
      q.connector_standard = [...(q.connector_standard ?? []), value as ConnectorStandard];
    } else if (key === 'capability') {
      if (!CAPABILITIES.has(value)) return undefined;
      q.capability = [...(q.capability ?? []), value as Capability];
    } else if (key === 'sort') {
      if (repeated || (value !== 'distance' && value !== 'reliability')) return undefined;
      q.sort = value;
    } else if (key === 'power_type') {
      if (repeated || (value !== 'AC' && value !== 'DC')) return undefined;
      q.power_type = value;
    } else if (key === 'network_id' || key === 'cursor') {
      if (repeated) return undefined;
      q[key] = value;
    } else if (key === 'bbox') {
      if (repeated) return undefined;
      try {
        q.bbox = parseBbox(value);
      } catch {
        return undefined;
      }
    } else return undefined;
  }
  return q;
}

/** The headers helmet and cors give a request without an Origin, captured once (name, value, name, value). */
function staticHeaders(middlewares: RequestHandler[]): string[] {
  const headers = new Map<string, string | number | string[]>();
  const res = {
    statusCode: 200,
    setHeader: (name: string, value: string | number | string[]) => headers.set(name.toLowerCase(), value),
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
    end: () => {},
  };
  const req = { method: 'GET', url: '/v1/locations', headers: {} };
  for (const middleware of middlewares) middleware(req as never, res as never, () => {});
  return [...headers].flatMap(([name, value]) => (Array.isArray(value) ? value.map((v) => [name, v]) : [[name, String(value)]])).flat();
}

/**
 * `GET /v1/locations` served from the in-memory index before Express: the search that apps and
 * partners run most, at a fraction of the cost. It answers only the plain case — no Origin
 * (browsers go through Express for CORS), a bearer credential whose view the index holds, a
 * query it fully understands, a client within its rate limit — with the same body,
 * headers and log line Express would produce; everything else (including every error) falls
 * through to Express.
 */
export interface FastDiscovery {
  /**
   * Whether the request was answered here: at once when its credential is cached (or it is not
   * for the fast path), otherwise once the credential is resolved. false: let Express answer.
   */
  (req: IncomingMessage, res: ServerResponse): boolean | Promise<boolean>;
  /** Requests answered here (for tests and metrics). */
  served: number;
}

/** What the fast path uses of the platform. */
export type FastDiscoveryPorts = Pick<Services, 'auth' | 'config' | 'discoveryIndex' | 'logger' | 'publicLimiter'>;

export function fastDiscovery(services: FastDiscoveryPorts): FastDiscovery {
  const trust = proxyaddr.compile('loopback');
  const headers = staticHeaders(headerMiddlewares(services.config));
  // Express's `trust proxy` (loopback): a forwarded address counts only from a local proxy.
  const clientAddress = (req: IncomingMessage) => (req.headers['x-forwarded-for'] === undefined ? (req.socket.remoteAddress ?? '') : proxyaddr(req, trust));
  const handler: FastDiscovery = Object.assign(
    (req: IncomingMessage, res: ServerResponse) => {
      if (req.method !== 'GET' || !services.discoveryIndex.ready || req.headers.origin || req.headers['if-none-match']) return false;
      const url = req.url ?? '';
      const queryAt = url.indexOf('?');
      if ((queryAt === -1 ? url : url.slice(0, queryAt)) !== '/v1/locations') return false;
      const authorization = req.headers.authorization;
      if (!authorization?.startsWith('Bearer ')) return false;
      return serve(req, res, authorization.slice(7), queryAt === -1 ? '' : url.slice(queryAt + 1));
    },
    { served: 0 },
  );
  return handler;

  function serve(req: IncomingMessage, res: ServerResponse, token: string, search: string): boolean | Promise<boolean> {
    const started = performance.now();
    const q = parseQuery(search);
    if (!q) return false;
    // A server's secret key is usually cached: then the whole answer is synchronous.
    const cached = services.auth.cachedSecretKey(token);
    if (cached) return answer(req, res, q, cached, started);
    return services.auth.resolveBearer(token, undefined).then(
      (principal) => principal !== undefined && answer(req, res, q, principal, started),
      () => false,
    );
  }

  function answer(req: IncomingMessage, res: ServerResponse, q: Query, principal: Principal, started: number): boolean {
    let body: Buffer;
    let limit: string[] | undefined;
    try {
      if (!principal.permissions.has('public:read') || !services.discoveryIndex.readyFor(principal.tenantId)) return false;
      const { limit: pageSize, cursor, ...query } = q;
      body = services.discoveryIndex.searchBody(query, pageRequest(pageSize, cursor), new Date(), principal.tenantId);
      limit = services.publicLimiter.hit(clientAddress(req));
      if (!limit) return false;
    } catch {
      // Express answers errors (validation, bad cursors) with the proper problem document.
      return false;
    }
    const id = requestIdOf(req.headers['x-request-id']);
    // One writeHead with every header: twenty setHeader calls cost half of what the search does.
    res.writeHead(200, [
      ...limit,
      ...headers,
      'X-Request-Id',
      id,
      'Content-Type',
      'application/json; charset=utf-8',
      'Content-Length',
      String(body.length),
      // Express's weak ETag (the `etag` package's format), from Node's faster one-shot hash.
      'ETag',
      `W/"${body.length.toString(16)}-${hash('sha1', body, 'base64').slice(0, 27)}"`,
    ]);
    res.end(body);
    handler.served += 1;
    services.logger.info(
      { req: { id, method: 'GET', path: '/v1/locations' }, res: { status: 200 }, responseTime: Math.round(performance.now() - started) },
      'request completed',
    );
    return true;
  }
}
