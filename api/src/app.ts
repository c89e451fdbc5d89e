import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import cors from 'cors';
import express, { type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import swaggerUi from 'swagger-ui-express';
import { createPassport } from './auth/authentication.js';
import type { Config } from './config/config.js';
import { isReachable } from './db/database.js';
import { DEMO } from './demo/credentials.js';
import { demoHome, demoRoutes } from './demo/demo.routes.js';
import { driverApp } from './driver-app/app-page.js';
import { RegisterRoutes } from './generated/routes.js';
import openapi from './generated/swagger.json' with { type: 'json' };
import { errorHandler, notFoundHandler, refuseNul } from './http/errors.js';
import { idempotency } from './http/idempotency.js';
import { problems } from './http/problem.js';
import { mailboxPage } from './mail/mailbox-page.js';
import { Mailbox } from './mail/mailer.js';
import { operatorConsole } from './operations/console-page.js';
import { payPage } from './payments/pay-page.js';
import { paymentWebhook } from './payments/webhook-route.js';
import type { Services } from './server/services.js';
import { type StaticSite, staticSite } from './server/sites.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

const sameSecret = (given: string, expected: string): boolean =>
  timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());

/** The request id a response carries: the caller's when it is sane, a new one otherwise. */
export function requestIdOf(given: string | string[] | undefined): string {
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Security headers and CORS, for every response (the discovery fast path sets the same). */
export function headerMiddlewares(config: Config): RequestHandler[] {
  return [
    helmet({
      contentSecurityPolicy: {
        directives: { 'img-src': ["'self'", 'data:', 'https:'], 'connect-src': ["'self'", 'ws:', 'wss:'] },
      },
      // Our own pages call the API with a publishable key, which is checked against the page's
      // origin: same-origin requests must carry a Referer (cross-origin ones send Origin).
      referrerPolicy: { policy: 'same-origin' },
    }),
    cors({ origin: config.corsOrigins === '*' ? true : config.corsOrigins, exposedHeaders: ['X-Request-Id', 'Retry-After', 'Idempotent-Replayed'] }),
  ];
}

export function createApp(services: Services, sites: StaticSite[] = []): express.Express {
  const { config } = services;
  const app = express();
  app.locals.services = services;
  app.locals.passport = createPassport(services.auth);
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use(
    pinoHttp({
      logger: services.logger,
      genReqId: (req, res) => {
        const id = requestIdOf(req.headers['x-request-id']);
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Only the method, path and status: no headers (tokens, keys, cookies) and no bodies.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
      // Probes poll these every few seconds; their answers are the metrics' business, not the log's.
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/ready' },
    }),
  );
  app.use(services.metrics.httpMiddleware());
  app.use(...headerMiddlewares(config));
  // Provider webhooks are verified on the exact bytes sent, so this route reads the raw body.
  app.post('/v1/payments/webhook', express.raw({ type: '*/*', limit: '1mb' }), paymentWebhook(services));
  // Photos on support tickets come as the image itself; the service checks what they are.
  app.post(/^\/v1\/support\/.+\/attachments$/, express.raw({ type: ['image/*', 'application/octet-stream'], limit: '5mb' }));
  // And drivers' station photos; the pipeline checks, strips and resizes them.
  app.post(/^\/v1\/locations\/[^/]+\/photos$/, express.raw({ type: ['image/*', 'application/octet-stream'], limit: '15mb' }));
  app.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));
  app.use(refuseNul);

  const auth = services.authLimiter.middleware;
  app.use(['/v1/auth', '/v1/invitations/accept'], auth);
  app.post(['/v1/networks', '/v1/drivers'], auth);
  app.use(
    [
      '/v1/locations',
      '/v1/open-data',
      '/v1/reports',
      '/v1/grid',
      '/ocpi',
      '/v1/ad-hoc-charges',
      '/pay',
      '/v1/support/fault-reports',
      '/v1/status',
      '/v1/photos',
      '/v1/community',
    ],
    services.publicLimiter.middleware,
  );

  app.use(idempotency(services.database.db));

  app.get('/health', (_req: Request, res: Response) => {
    res.json({ status: 'ok' });
  });
  // Ready means able to serve all this process serves: started (migrated, demo seeded), its
  // database answering, and the public discovery index loaded.
  app.get('/ready', async (_req: Request, res: Response) => {
    const database = await isReachable(services.database.db);
    const index = services.discoveryIndex.ready;
    const status = !services.started ? 'starting' : !database ? 'database unreachable' : !index ? 'discovery index loading' : 'ready';
    res.status(status === 'ready' ? 200 : 503).json({ status, database: services.database.kind, discovery_index: index ? 'ready' : 'loading' });
  });
  // For Prometheus: with METRICS_TOKEN set, that bearer token; without it, only from this machine.
  app.get('/metrics', async (req: Request, res: Response) => {
    const token = config.metricsToken;
    const local = ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(req.socket.remoteAddress ?? '');
    if (token ? !sameSecret(req.headers.authorization ?? '', `Bearer ${token}`) : !local) {
      res.status(403).type('application/problem+json').json(problems.forbidden('Metrics need METRICS_TOKEN, or a request from this machine.').toJSON(req.path));
      return;
    }
    res.type(services.metrics.registry.contentType).send(await services.metrics.registry.metrics());
  });
  app.get('/v1/openapi.json', (_req: Request, res: Response) => {
    res.json(openapi);
  });
  // The interactive reference ("try it out"); the docs site with guides and the static reference is at /docs.
  app.use('/docs/api', swaggerUi.serve, swaggerUi.setup(openapi, { customSiteTitle: 'Voltshare API reference' }));
  for (const site of sites) app.use(site.path, staticSite(site));
  app.use('/operator', operatorConsole(config.demo ? DEMO.owner : undefined));
  app.use('/pay', payPage(services));
  app.use('/app', driverApp(config));
  // What would have been emailed, for developers and the demo (never in production, never with real SMTP).
  if (services.mailer instanceof Mailbox && config.env !== 'production') app.use('/dev/mail', mailboxPage(services.mailer));
  if (config.demo) {
    app.use('/demo', demoRoutes(services));
    app.get('/', demoHome);
  }

  const router = express.Router();
  RegisterRoutes(router);
  app.use(router);

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
