import type { components } from './generated/schema.js';

export type Problem = components['schemas']['ProblemDocument'];

/** An API error: the RFC 9457 problem the server sent, with per-field `errors` on validation. */
export class VoltshareError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem> & { errors?: { field: string; message: string }[] },
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'VoltshareError';
  }

  static from(status: number, body: unknown): VoltshareError {
    return new VoltshareError(status, (body ?? {}) as Problem);
  }

  /** The problem type's last segment, e.g. `slot-taken`. */
  get code(): string | undefined {
    return this.problem.type?.split('/').pop();
  }
}
