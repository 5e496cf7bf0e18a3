import type { ServerResponse } from 'node:http';
import type { EventStreamCodec } from '@smithy/core/event-streams';
import type { Invocation, InvocationResult } from './invocation.js';
import { drainedOrClosed, type ResponseSink } from './response-stream.js';

// InvokeWithResponseStream's answer: 200 with an AWS event stream (the SDK's own codec frames it) of
// PayloadChunk events, one per chunk the runtime wrote, then one InvokeComplete.
// https://docs.aws.amazon.com/lambda/latest/api/API_InvokeWithResponseStream.html

type EventStreams = typeof import('@smithy/core/event-streams');
let loaded: Promise<{ codec: EventStreamCodec; getChunkedStream: EventStreams['getChunkedStream'] }> | undefined;

/**
 * The SDK's event-stream codec (UTF-8 header strings) and frame splitter, for both ends: svl dev's
 * answer and svl invoke's reader. Loaded on the first streamed invocation: the import costs ~80 ms,
 * which svl dev's start and every buffered invoke would otherwise pay.
 */
export function eventStreams(): NonNullable<typeof loaded> {
  loaded ??= import('@smithy/core/event-streams').then((m) => ({
    codec: new m.EventStreamCodec(
      (bytes) => Buffer.from(bytes).toString('utf8'),
      (text) => Buffer.from(text, 'utf8'),
    ),
    getChunkedStream: m.getChunkedStream,
  }));
  return loaded;
}

function event(codec: EventStreamCodec, type: string, contentType: string, body: Uint8Array): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: type },
      ':message-type': { type: 'string', value: 'event' },
      ':content-type': { type: 'string', value: contentType },
    },
    body,
  });
}

export interface StreamedInvokeOptions {
  /** LogType Tail: InvokeComplete carries the log's last 4 KB (base64). */
  logTail?: (result: InvocationResult) => string;
}

/**
 * Runs `inv` and answers as InvokeWithResponseStream does. The runtime's bytes are passed on as they
 * are (a function URL prelude included: only function URLs read it). A function error ends the
 * stream with InvokeComplete's ErrorCode (the error type) and ErrorDetails (the error body).
 */
export async function streamToEventStream(
  res: ServerResponse,
  inv: Invocation,
  run: (inv: Invocation) => Promise<InvocationResult>,
  opts: StreamedInvokeOptions = {},
): Promise<void> {
  const { codec } = await eventStreams();
  res.writeHead(200, {
    'Content-Type': 'application/vnd.amazon.eventstream',
    'X-Amz-Executed-Version': '$LATEST',
    'x-amzn-RequestId': inv.requestId,
  });
  res.flushHeaders();
  res.on('error', () => {});
  const sink: ResponseSink = {
    begin() {},
    write: (chunk) => res.write(event(codec, 'PayloadChunk', 'application/octet-stream', chunk)),
    drained: () => drainedOrClosed(res),
  };
  const result = await run({ ...inv, stream: sink });
  const complete: Record<string, string> = {};
  if (!result.outcome.ok) {
    complete.ErrorCode = result.outcome.errorType;
    complete.ErrorDetails = result.outcome.payload.toString('utf8');
  }
  if (opts.logTail) complete.LogResult = opts.logTail(result);
  res.end(event(codec, 'InvokeComplete', 'application/json', Buffer.from(JSON.stringify(complete))));
}
