import { describe, expect, it } from 'vitest';
import { conflictRetry, rolePropagationRetry, withRetry } from '../../src/deploy/lambda/retry.js';

// moto never answers 409 "update in progress", so the retry policy is exercised here directly with
// errors shaped like the SDK's (name + message); the delays are shortened, the policies are real.
const awsError = (name: string, message = name) => Object.assign(new Error(message), { name });

function failing(errors: Error[]) {
  let calls = 0;
  return {
    fn: async () => {
      calls++;
      const err = errors.shift();
      if (err) throw err;
      return 'ok';
    },
    calls: () => calls,
  };
}

describe('deploy retry policies', () => {
  it('waits out 409 ResourceConflictException (update in progress) and then succeeds', async () => {
    const f = failing([awsError('ResourceConflictException', 'An update is in progress'), awsError('ResourceConflictException')]);
    const delays: number[] = [];
    await expect(withRetry(f.fn, { ...conflictRetry, baseDelayMs: 1, onRetry: (_e, _a, d) => delays.push(d) })).resolves.toBe('ok');
    expect(f.calls()).toBe(3);
    expect(delays).toEqual([1, 2]); // doubling backoff
  });

  it('does not retry errors that waiting cannot fix', async () => {
    const f = failing([awsError('AccessDeniedException')]);
    await expect(withRetry(f.fn, { ...conflictRetry, baseDelayMs: 1 })).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(f.calls()).toBe(1);
  });

  it('retries CreateFunction only for the role-propagation error, and gives up after its attempts', async () => {
    const notYet = () => awsError('InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.');
    const f = failing(Array.from({ length: 20 }, notYet));
    await expect(withRetry(f.fn, { ...rolePropagationRetry, baseDelayMs: 1, maxDelayMs: 1 })).rejects.toThrow(/cannot be assumed/);
    expect(f.calls()).toBe(rolePropagationRetry.attempts);

    const other = failing([awsError('InvalidParameterValueException', 'Unzipped size must be smaller than 262144000 bytes')]);
    await expect(withRetry(other.fn, { ...rolePropagationRetry, baseDelayMs: 1 })).rejects.toThrow(/Unzipped size/);
    expect(other.calls()).toBe(1);
  });
});
