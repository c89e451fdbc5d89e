/** Statuses worth another try: the request did not take effect, or the server asked to wait. */
const RETRYABLE = new Set([408, 429, 502, 503, 504]);
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RetryOptions {
  /** Extra attempts after the first (default 2). */
  retries?: number;
  /** First backoff in ms, doubled each time (default 250). */
  minDelayMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A fetch that retries safely: every mutation gets an `Idempotency-Key` (kept across its
 * retries, so the API replays the first answer instead of acting twice), and network errors,
 * 408/429/502/503/504 are retried with backoff, honouring `Retry-After`.
 */
export function retryingFetch(base: typeof fetch, options: RetryOptions = {}): typeof fetch {
  const retries = options.retries ?? 2;
  const minDelay = options.minDelayMs ?? 250;
  return async (input, init) => {
    const request = new Request(input, init);
    if (MUTATING.has(request.method) && !request.headers.has('Idempotency-Key')) request.headers.set('Idempotency-Key', crypto.randomUUID());
    // The body can be read once per attempt, so keep it.
    const body = request.body ? await request.arrayBuffer() : undefined;
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= retries;
      try {
        const response = await base(new Request(request, { body }));
        if (last || !RETRYABLE.has(response.status)) return response;
        const after = Number(response.headers.get('Retry-After'));
        await response.body?.cancel();
        await sleep(Number.isFinite(after) && after > 0 ? after * 1000 : minDelay * 2 ** attempt);
      } catch (error) {
        if (last) throw error;
        await sleep(minDelay * 2 ** attempt);
      }
    }
  };
}
