import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** Which failures are worth waiting out. */
  retryable(err: unknown): boolean;
  attempts: number;
  /** First delay; doubles each attempt up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  onRetry?(err: unknown, attempt: number, delayMs: number): void;
}

/** Runs `fn`, waiting out transient AWS states (409 update in progress, a role still propagating). */
export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= policy.attempts || !policy.retryable(err)) throw err;
      const delayMs = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
      policy.onRetry?.(err, attempt, delayMs);
      await sleep(delayMs);
    }
  }
}

const name = (err: unknown) => (err as { name?: string } | undefined)?.name;
const message = (err: unknown) => (err as { message?: string } | undefined)?.message ?? '';

/** 409 "An update is in progress": Lambda allows one change at a time per function. */
export const conflictRetry: Omit<RetryPolicy, 'onRetry'> = {
  retryable: (err) => name(err) === 'ResourceConflictException' || name(err) === 'TooManyRequestsException',
  attempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
};

/**
 * IAM is eventually consistent: a role created seconds ago is rejected by CreateFunction with
 * "The role defined for the function cannot be assumed by Lambda" for up to ~10 s.
 */
export const rolePropagationRetry: Omit<RetryPolicy, 'onRetry'> = {
  retryable: (err) => name(err) === 'InvalidParameterValueException' && /cannot be assumed/i.test(message(err)),
  attempts: 10,
  baseDelayMs: 1_000,
  maxDelayMs: 5_000,
};
