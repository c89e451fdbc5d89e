import { type Request, type Response, Router } from 'express';
import type { Services } from '../server/services.js';
import { demoCredentials } from './credentials.js';
import { demoPage, demoScript } from './page.js';

/** Mounted only in demo mode. */
export function demoRoutes(_services: Services): Router {
  const router = Router();
  router.get('/credentials.json', (req: Request, res: Response) => {
    res.json(demoCredentials(`${req.protocol}://${req.get('host')}`));
  });
  router.get('/app.js', (_req: Request, res: Response) => {
    res.type('application/javascript').send(demoScript);
  });
  return router;
}

export function demoHome(_req: Request, res: Response): void {
  res.type('html').send(demoPage());
}
