import { createRequire } from 'node:module';
import type { Highs } from 'highs';

// The package's ES build and its (CommonJS) types disagree on the default export; its CommonJS
// build exports the loader itself, which the types describe.
const loadHighs = createRequire(import.meta.url)('highs') as (options?: object) => Promise<Highs>;
let solver: Promise<Highs> | undefined;

/** HiGHS (WebAssembly), loaded once per process on first use. */
export function lpSolver(): Promise<Highs> {
  if (!solver) solver = loadHighs();
  return solver;
}
