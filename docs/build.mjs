// Checks the guides and copies them to dist/ (the API serves them next to the reference).
import { cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Relative links in the guides that point at nothing. */
export function brokenLinks(dir = path.join(here, 'guides')) {
  const broken = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target) || target.startsWith('/')) continue;
      try {
        readFileSync(path.join(dir, target));
      } catch {
        broken.push(`${file} -> ${target}`);
      }
    }
  }
  return broken;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const broken = brokenLinks();
  if (broken.length) {
    console.error(`broken links:\n${broken.join('\n')}`);
    process.exit(1);
  }
  mkdirSync(path.join(here, 'dist'), { recursive: true });
  cpSync(path.join(here, 'guides'), path.join(here, 'dist', 'guides'), { recursive: true });
}
