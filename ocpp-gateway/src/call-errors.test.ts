import { DomainError } from '@voltshare/api';
import { describe, expect, it } from 'vitest';
import { toCallError } from './call-errors.js';

const codeOf = (err: Error) => (err as Error & { rpcErrorCode?: string }).rpcErrorCode;

describe('failures as CALLERRORs', () => {
  it('a domain refusal keeps its words as a GenericError', () => {
    const err = toCallError(new DomainError('conflict', 'evse-removed', 'This EVSE was removed.'));
    expect(codeOf(err)).toBe('GenericError');
    expect(err.message).toBe('This EVSE was removed.');
  });

  it('an unexpected error says nothing of itself, and an unavailable database asks to retry', () => {
    const internal = toCallError(new Error('relation "charging_sessions" does not exist'));
    expect(codeOf(internal)).toBe('InternalError');
    expect(internal.message).toBe('internal error');
    const down = toCallError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    expect(codeOf(down)).toBe('InternalError');
    expect(down.message).toMatch(/try again/);
  });
});
