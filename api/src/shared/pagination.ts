import { fail } from './errors.js';

/** Cursor pagination shared by every list endpoint: `limit`, `cursor` in; `data`, `next_cursor` out. */
export interface Page<T> {
  data: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  next_cursor: string | null;
}

export interface PageRequest {
  limit: number;
  /** The decoded position after which the page starts, or undefined for the first page. */
  after?: unknown[];
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

export function encodeCursor(position: unknown[]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor(cursor: string): unknown[] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length > 0) return value;
  } catch {
    // fall through to the validation error
  }
  throw fail.invalid([{ field: 'cursor', message: 'is not a cursor returned by this endpoint' }]);
}

/**
 * Builds a page from rows fetched with `limit + 1`: the extra row only tells that another
 * page exists; `positionOf` gives the sort key of the last row shown.
 */
export function toPage<Row, T>(rows: Row[], request: PageRequest, positionOf: (row: Row) => unknown[], map: (row: Row) => T): Page<T> {
  const hasMore = rows.length > request.limit;
  const shown = hasMore ? rows.slice(0, request.limit) : rows;
  const last = shown[shown.length - 1];
  return { data: shown.map(map), next_cursor: hasMore && last !== undefined ? encodeCursor(positionOf(last)) : null };
}

/**
 * The common case, newest first by time-ordered id: `fetch` reads up to `limit` rows with ids
 * below `before` (when given), newest first.
 */
export async function newestFirst<Row extends { id: string }, T>(
  page: PageRequest,
  fetch: (before: string | undefined, limit: number) => Promise<Row[]>,
  map: (row: Row) => T,
): Promise<Page<T>> {
  return toPage(await fetch(afterId(page), page.limit + 1), page, (r) => [r.id], map);
}

/** The id a newest-first page continues below. */
export function afterId(request: PageRequest): string | undefined {
  if (!request.after) return undefined;
  const [id] = request.after;
  if (typeof id !== 'string') throw fail.invalid([{ field: 'cursor', message: 'is not a cursor returned by this endpoint' }]);
  return id;
}
