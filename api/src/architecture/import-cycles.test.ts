import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOURCE_ROOT } from './source-tree.js';

/** Relative imports (values and types alike) of every production file under `roots`. */
function importGraph(roots: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'generated' && entry.name !== 'node_modules') walk(full);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) {
        const text = readFileSync(full, 'utf8');
        const targets = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) =>
          resolve(dirname(full), (m[1] as string).replace(/\.js$/, '.ts')),
        );
        graph.set(full, targets);
      }
    }
  };
  for (const root of roots) walk(root);
  return graph;
}

/** One cycle per strongly connected tangle, as a path of files, or none. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

const GATEWAY_ROOT = resolve(SOURCE_ROOT, '../../ocpp-gateway/src');

describe('import cycles', () => {
  it('no file under api/src or ocpp-gateway/src imports itself through others', () => {
    const repo = resolve(SOURCE_ROOT, '../..');
    const graph = importGraph([SOURCE_ROOT, GATEWAY_ROOT]);
    // The graph is the whole tree, not an empty read.
    expect(graph.size).toBeGreaterThan(150);
    expect([...graph.values()].flat().filter((target) => graph.has(target)).length).toBeGreaterThan(500);
    const found = cycles(graph).map((cycle) => cycle.map((f) => relative(repo, f)).join(' → '));
    expect(found).toEqual([]);
  });

  it('the check finds a cycle when there is one', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c', 'a']]);
  });
});
