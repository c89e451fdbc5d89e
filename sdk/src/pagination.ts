import { VoltshareError } from './errors.js';

export interface PageOf<T> {
  data: T[];
  next_cursor: string | null;
}

type PageResult<T> = { data?: PageOf<T>; error?: unknown; response: Response };

/**
 * Every item of a cursor-paginated list: `for await (const loc of paginate((cursor) =>
 * client.GET('/v1/locations', { params: { query: { lat, lng, cursor } } })))`.
 */
export async function* paginate<T>(fetchPage: (cursor: string | undefined) => Promise<PageResult<T>>): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const result = await fetchPage(cursor);
    if (result.error !== undefined || !result.response.ok || !result.data) throw VoltshareError.from(result.response.status, result.error);
    yield* result.data.data;
    cursor = result.data.next_cursor ?? undefined;
  } while (cursor);
}
