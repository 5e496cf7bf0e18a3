// Which messages of an invoked batch Lambda's SQS event source mapping deletes.
// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting

/** What the poller needs of a received message. */
export interface BatchMessage {
  messageId: string;
  /** FIFO: the message group (order is kept within it). */
  groupId?: string;
}

export interface BatchOutcome<M extends BatchMessage> {
  /** Deleted from the queue: done. */
  done: M[];
  /** Left in the queue: they come back after the visibility timeout (and reach the DLQ after maxReceiveCount). */
  retry: M[];
  /** Why the whole batch is retried when the function did not fail (a malformed response), for the log. */
  reason?: string;
}

/**
 * A function error retries the whole batch. With ReportBatchItemFailures, a response naming
 * `batchItemFailures` retries only those; an empty or null list, an empty or null response, is
 * success; a response Lambda cannot read (not JSON, an itemIdentifier that is empty, null, missing
 * or not a message of the batch) fails the whole batch. On a FIFO queue the messages after a failed
 * one in its group are retried too, so the group's order holds.
 */
export function batchOutcome<M extends BatchMessage>(
  messages: M[],
  result: { ok: boolean; payload: Buffer },
  opts: { reportBatchItemFailures: boolean; fifo: boolean },
): BatchOutcome<M> {
  if (!result.ok) return { done: [], retry: messages };
  if (!opts.reportBatchItemFailures) return { done: messages, retry: [] };
  const failed = failedIds(result.payload, new Set(messages.map((m) => m.messageId)));
  if (typeof failed === 'string') return { done: [], retry: messages, reason: failed };
  if (opts.fifo) {
    const stopped = new Set<string>();
    for (const m of messages) {
      const group = m.groupId ?? '';
      if (stopped.has(group)) failed.add(m.messageId);
      else if (failed.has(m.messageId)) stopped.add(group);
    }
  }
  return { done: messages.filter((m) => !failed.has(m.messageId)), retry: messages.filter((m) => failed.has(m.messageId)) };
}

/** The message IDs a partial batch response names, or why Lambda would reject it. */
function failedIds(payload: Buffer, batch: Set<string>): Set<string> | string {
  const text = payload.toString('utf8').trim();
  if (text === '' || text === 'null') return new Set();
  let response: unknown;
  try {
    response = JSON.parse(text);
  } catch {
    return 'the response is not JSON';
  }
  if (response === null || (typeof response === 'object' && Object.keys(response as object).length === 0)) return new Set();
  if (typeof response !== 'object' || Array.isArray(response)) return 'the response is not a {"batchItemFailures": [...]} object';
  const list = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (list === undefined || list === null) return new Set();
  if (!Array.isArray(list)) return 'batchItemFailures is not a list';
  const ids = new Set<string>();
  for (const item of list) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '') return 'a batchItemFailures entry has no itemIdentifier';
    if (!batch.has(id)) return `itemIdentifier '${id}' is not a message of this batch`;
    ids.add(id);
  }
  return ids;
}
