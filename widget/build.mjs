// Builds the widget: locale modules from the XLIFF translations, type declarations, and the
// browser bundle (one ES module to load with a script tag; Leaflet and each language are chunks
// loaded on demand). Prints the gzipped sizes the README reports.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = (name) => path.join(here, '..', 'node_modules', '.bin', name);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: here, stdio: 'inherit' });

run(bin('lit-localize'), ['build']);
rmSync(path.join(here, 'dist'), { recursive: true, force: true });
run(bin('tsc'), ['-p', 'tsconfig.json']);

const out = path.join(here, 'dist', 'bundle');
const result = await build({
  entryPoints: {
    voltshare: path.join(here, 'src', 'index.ts'),
    'voltshare-app': path.join(here, 'src', 'app-entry.ts'),
    'voltshare-console': path.join(here, 'src', 'console-entry.ts'),
  },
  bundle: true,
  splitting: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  loader: { '.css': 'text' },
  outdir: out,
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  absWorkingDir: here,
});

// What a page downloads before its first screen: an entry and everything it imports statically
// (Leaflet and the languages are dynamic imports, so they load later and are not counted).
const outputs = result.metafile.outputs;
const entryOf = (source) => Object.keys(outputs).find((f) => outputs[f].entryPoint === source && f.endsWith('.js'));
const staticClosure = (file, seen = new Set()) => {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const i of outputs[file].imports) if (i.kind === 'import-statement') staticClosure(i.path, seen);
  return seen;
};
const gz = (file) => gzipSync(readFileSync(path.join(here, file))).length;
const sum = (files) => [...files].reduce((n, f) => n + gz(f), 0);
const js = Object.keys(outputs).filter((f) => f.endsWith('.js'));
const leaflet = js.filter((f) => Object.keys(outputs[f].inputs).some((i) => /node_modules\/leaflet\/.*\.js$/.test(i)));
const languages = js.filter((f) => Object.keys(outputs[f].inputs).some((i) => i.includes('generated/locales/')));
const largestLanguage = Math.max(0, ...languages.map((f) => gz(f)));
const sizes = {
  // voltshare.js: the embeddable elements (map, station, booking, session) a partner's page loads.
  core_gzip_bytes: sum(staticClosure(entryOf('src/index.ts'))),
  // The driver app's first screen: voltshare-app.js with what it imports, and one language.
  app_first_screen_gzip_bytes: sum(staticClosure(entryOf('src/app-entry.ts'))) + largestLanguage,
  // The operator console's first screen, the same way.
  console_first_screen_gzip_bytes: sum(staticClosure(entryOf('src/console-entry.ts'))) + largestLanguage,
  leaflet_chunk_gzip_bytes: sum(leaflet),
  total_gzip_bytes: sum(js),
};
writeFileSync(path.join(out, 'sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`);
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
console.log(
  `widget bundle (gzip): core ${kb(sizes.core_gzip_bytes)} · app first screen ${kb(sizes.app_first_screen_gzip_bytes)} · console first screen ${kb(sizes.console_first_screen_gzip_bytes)} · map (Leaflet) ${kb(sizes.leaflet_chunk_gzip_bytes)} · everything ${kb(sizes.total_gzip_bytes)}`,
);
