import { type Request, type Response, Router } from 'express';
import type { Services } from '../server/services.js';
import { demoCredentials } from './credentials.js';

/** Mounted only in demo mode. */
export function demoRoutes(_services: Services): Router {
  const router = Router();
  router.get('/credentials.json', (_req: Request, res: Response) => {
    res.json(demoCredentials());
  });
  return router;
}
