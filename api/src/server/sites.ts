import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cors from 'cors';
import express, { type Router } from 'express';

/** Static files the API serves next to itself: the widget bundle and the docs site. */
export interface StaticSite {
  /** URL prefix, e.g. `/widget`. */
  path: string;
  dir: string;
  /** Partners load it from their own pages (the widget script tag). */
  crossOrigin?: boolean;
}

const built = (pkg: string, sub: string): string | undefined => {
  try {
    const dir = path.join(path.dirname(fileURLToPath(import.meta.resolve(`${pkg}/package.json`))), sub);
    return existsSync(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The widget and docs of this workspace, when they are built. They are optional: the API runs
 * without them (the embedded start builds both first).
 */
export function workspaceSites(): StaticSite[] {
  const sites: StaticSite[] = [];
  const widget = built('@voltshare/widget', 'dist/bundle');
  if (widget) sites.push({ path: '/widget', dir: widget, crossOrigin: true });
  const docs = built('@voltshare/docs', 'dist');
  if (docs) sites.push({ path: '/docs', dir: docs });
  return sites;
}

export function staticSite(site: StaticSite): Router {
  const router = express.Router();
  if (site.crossOrigin)
    router.use(cors({ origin: true }), (_req, res, next) => {
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      next();
    });
  // Chunk names carry a content hash; the entry and pages must be re-checked.
  router.use(
    express.static(site.dir, {
      extensions: ['html'],
      setHeaders: (res, file) => res.setHeader('Cache-Control', /-[A-Z0-9]{8}\.js$/.test(file) ? 'public, max-age=31536000, immutable' : 'public, max-age=300'),
    }),
  );
  return router;
}
