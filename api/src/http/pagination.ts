import { DEFAULT_LIMIT, decodeCursor, MAX_LIMIT, type PageRequest } from '../shared/pagination.js';
import { problems } from './problem.js';

export type { Page, PageRequest } from '../shared/pagination.js';

/** A list endpoint's `limit` and `cursor` query parameters as a page request. */
export function pageRequest(limit: number | undefined, cursor: string | undefined): PageRequest {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)) {
    throw problems.validation([{ field: 'query.limit', message: `must be a whole number from 1 to ${MAX_LIMIT}` }]);
  }
  return { limit: limit ?? DEFAULT_LIMIT, after: cursor === undefined || cursor === '' ? undefined : decodeCursor(cursor) };
}
