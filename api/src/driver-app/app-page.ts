import { type Request, type Response, Router } from 'express';
import type { Config } from '../config/config.js';
import { DEMO } from '../demo/credentials.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Bumped with the shell's own files; the widget bundle's chunks are cached by their hashed names. */
const SHELL_VERSION = 'voltshare-app-2';

/**
 * /app/: the driver app, a progressive web app built from the widget's elements. The page is a
 * shell (`<voltshare-app>` does everything through the public API); the manifest makes it
 * installable and the service worker keeps the shell and the last search for offline use.
 */
export function driverApp(config: Config): Router {
  const router = Router();
  const key = config.appPublishableKey ?? (config.demo ? DEMO.publishableKey : undefined);
  router.get('/', (req: Request, res: Response) => {
    if (!req.originalUrl.split('?')[0]?.endsWith('/')) {
      res.redirect(301, `${req.baseUrl}/`);
      return;
    }
    // Only the demo installation signs the public demo driver in.
    const demo = config.demo && req.query.demo !== undefined;
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(shell(key, demo));
  });
  router.get('/manifest.webmanifest', (_req: Request, res: Response) => {
    res.type('application/manifest+json').send(JSON.stringify(manifest));
  });
  router.get('/icon.svg', (_req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.type('image/svg+xml').send(icon);
  });
  router.get('/sw.js', (_req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Service-Worker-Allowed', '/app/');
    res.type('application/javascript').send(serviceWorker);
  });
  return router;
}

const shell = (publishableKey: string | undefined, demo: boolean) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="theme-color" content="#0b6b66">
<title>Voltshare</title>
<link rel="manifest" href="/app/manifest.webmanifest">
<link rel="icon" href="/app/icon.svg" type="image/svg+xml">
<link rel="modulepreload" href="/widget/voltshare-app.js">
<style>html,body{margin:0;background:#f2f5f8;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#102a43}voltshare-app:not(:defined){display:block;min-height:100vh}</style>
</head>
<body>
<voltshare-app full-page${publishableKey ? ` publishable-key="${esc(publishableKey)}"` : ''}${demo ? ' demo' : ''}></voltshare-app>
<noscript>The Voltshare app needs JavaScript.</noscript>
<script type="module" src="/widget/voltshare-app.js"></script>
</body>
</html>`;

const manifest = {
  name: 'Voltshare — EV charging on every network',
  short_name: 'Voltshare',
  start_url: '/app/',
  scope: '/app/',
  display: 'standalone',
  background_color: '#f2f5f8',
  theme_color: '#0b6b66',
  icons: [{ src: '/app/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any maskable' }],
};

const icon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" rx="96" fill="#0b6b66"/><path d="M286 64 140 292h100l-24 156 156-236H268z" fill="#fff"/></svg>`;

// The shell and the widget's files: cache first, refreshed in the background. Searches: network
// first, the last answer when offline. Everything else (sign-in, payments, sessions) never cached.
const serviceWorker = `const CACHE = '${SHELL_VERSION}';
const SHELL = ['/app/', '/app/manifest.webmanifest', '/app/icon.svg', '/widget/voltshare-app.js'];
self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))).then(() => self.clients.claim()));
});
const fresh = async (request) => {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(request, { ignoreSearch: request.mode === 'navigate' });
    if (cached) return cached;
    throw error;
  }
};
const stored = async (request) => {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  const refresh = fetch(request).then((response) => { if (response.ok) cache.put(request, response.clone()); return response; });
  return cached || refresh;
};
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin) return;
  if (event.request.mode === 'navigate' && url.pathname.startsWith('/app/')) event.respondWith(fresh(new Request('/app/')));
  else if (url.pathname.startsWith('/widget/')) event.respondWith(stored(event.request));
  else if (url.pathname === '/v1/locations' || url.pathname === '/v1/places') event.respondWith(fresh(event.request));
});
`;
