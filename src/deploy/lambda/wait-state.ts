import { type GetFunctionCommand, type LambdaClient, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { AwsCallError, isNetworkError } from './aws-errors.js';

const WAIT = { minDelay: 1, maxDelay: 5, maxWaitTime: 300 };
/** Polls that got no answer at all before a wait gives up: the endpoint is gone, not slow. */
const NETWORK_STRIKES = 3;

/**
 * The Lambda client a waiter polls with, aborting the wait after NETWORK_STRIKES polls in a row got no
 * answer: the SDK's waiters retry a refused connection until maxWaitTime (5 minutes).
 */
function watchedClient(client: LambdaClient, controller: AbortController): LambdaClient {
  let strikes = 0;
  const send = async (command: Parameters<LambdaClient['send']>[0]) => {
    try {
      const out = await client.send(command as GetFunctionCommand);
      strikes = 0;
      return out;
    } catch (err) {
      if (isNetworkError(err) && ++strikes >= NETWORK_STRIKES) controller.abort();
      throw err;
    }
  };
  return Object.assign(Object.create(client) as LambdaClient, { send });
}

/**
 * Waits until the function is Active (after create) or its last update is done, with the SDK's
 * waiters; a lost endpoint ends the wait after a few unanswered polls (seconds, not minutes), as an
 * AwsCallError with the network code.
 */
export async function waitForState(lambda: LambdaClient, name: string, goal: 'Active' | 'updated'): Promise<void> {
  const controller = new AbortController();
  const config = { client: watchedClient(lambda, controller), abortSignal: controller.signal, ...WAIT };
  try {
    if (goal === 'Active') await waitUntilFunctionActiveV2(config, { FunctionName: name });
    else await waitUntilFunctionUpdatedV2(config, { FunctionName: name });
  } catch (err) {
    if (controller.signal.aborted) {
      throw new AwsCallError('lambda:GetFunction', Object.assign(new Error('connection lost while waiting'), { code: 'ECONNREFUSED' }));
    }
    throw err;
  }
}
