import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `api/src`, whose files the architecture checks read. */
export const SOURCE_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface SourceFile {
  /** Path under `api/src`, with forward slashes. */
  path: string;
  text: string;
}

/** The hand-written TypeScript under `api/src` (no tests, no generated code, no migrations: those are history). */
export function productionSources(): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      const path = relative(SOURCE_ROOT, full).split('\\').join('/');
      if (entry.isDirectory()) {
        if (!['generated', 'migrations', 'test'].includes(entry.name)) walk(full);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) {
        files.push({ path, text: readFileSync(full, 'utf8') });
      }
    }
  };
  walk(SOURCE_ROOT);
  return files;
}

/** The top folder of a path: the module it belongs to. */
export const moduleOf = (path: string) => path.split('/')[0] ?? path;
