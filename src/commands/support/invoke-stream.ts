import { StringDecoder } from 'node:string_decoder';
import type { Io } from '../../core/io.js';
import { SvlError } from '../../core/errors.js';
import { eventStreams, parsePrelude } from '../../emulator/index.js';

// svl invoke for a RESPONSE_STREAM function: the response is printed as it arrives.

const SEPARATOR = Buffer.alloc(8);
/** A function URL prelude is a short JSON object; past this, the stream is body. */
const MAX_PRELUDE_BYTES = 64 * 1024;

export interface StreamPrinter {
  write(chunk: Buffer): void;
  end(): void;
}

/**
 * Writes a streamed response to stdout as it arrives. A function URL stream starts with its JSON
 * prelude and 8 NUL bytes: that goes to stderr as `HTTP <status>` and its headers, the body to stdout.
 */
export function streamPrinter(io: Pick<Io, 'stdout' | 'stderr'>): StreamPrinter {
  let head: Buffer | undefined = Buffer.alloc(0); // undefined once the start has been decided on
  let endsWithNewline = true;
  // As text, like a buffered answer; the decoder keeps a character split across two chunks whole.
  const text = new StringDecoder('utf8');
  const out = (bytes: Buffer) => {
    if (bytes.length === 0) return;
    io.stdout.write(text.write(bytes));
    endsWithNewline = bytes[bytes.length - 1] === 0x0a;
  };
  const flushHead = () => {
    const h = head!;
    head = undefined;
    out(h);
  };
  return {
    write(chunk) {
      if (head === undefined) return out(chunk);
      head = Buffer.concat([head, chunk]);
      // A prelude is one compact JSON object: no newline comes before its separator.
      if (head[0] !== 0x7b) return flushHead();
      const at = head.indexOf(SEPARATOR);
      if (at === -1) {
        if (head.includes(0x0a) || head.length > MAX_PRELUDE_BYTES) flushHead();
        return;
      }
      const prelude = parsePrelude(head.subarray(0, at));
      if (!prelude) return flushHead();
      const headers = Object.entries(prelude.headers).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((one) => `${k}: ${one}`));
      io.stderr.write(`HTTP ${prelude.statusCode}${headers.map((h) => `\n${h}`).join('')}\n`);
      const rest = head.subarray(at + SEPARATOR.length);
      head = undefined;
      out(rest);
    },
    end() {
      if (head !== undefined) flushHead();
      io.stdout.write(text.end());
      if (!endsWithNewline) io.stdout.write('\n');
    },
  };
}

export interface StreamedAnswer {
  streamed: true;
  payload: Buffer;
  functionError?: string;
  logResult?: string;
}

/** InvokeWithResponseStream against svl dev, decoding its event stream with the SDK's codec. */
export async function streamOverHttp(io: Pick<Io, 'stdout' | 'stderr'>, base: string, name: string, payload: Buffer): Promise<StreamedAnswer> {
  const res = await fetch(`${base}/2021-11-15/functions/${encodeURIComponent(name)}/response-streaming-invocations`, {
    method: 'POST',
    headers: { 'X-Amz-Log-Type': 'Tail', 'Content-Type': 'application/json' },
    body: new Uint8Array(payload),
  });
  if (res.status !== 200 || !res.body) {
    const text = await res.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // plain text
    }
    const type = res.headers.get('x-amzn-errortype') ?? `HTTP ${res.status}`;
    throw new SvlError(`svl dev at ${base} refused the invocation (${type}: ${message.split('\n')[0]}) — fix the event, or see the svl dev output`);
  }
  const { codec, getChunkedStream } = await eventStreams();
  const printer = streamPrinter(io);
  const answer: StreamedAnswer = { streamed: true, payload: Buffer.alloc(0) };
  for await (const frame of getChunkedStream(res.body as AsyncIterable<Uint8Array>)) {
    const message = codec.decode(frame);
    const type = message.headers[':event-type']?.value;
    if (type === 'PayloadChunk') printer.write(Buffer.from(message.body));
    else if (type === 'InvokeComplete') {
      const done = JSON.parse(Buffer.from(message.body).toString('utf8')) as { ErrorCode?: string; ErrorDetails?: string; LogResult?: string };
      answer.functionError = done.ErrorCode;
      answer.payload = Buffer.from(done.ErrorDetails ?? '');
      answer.logResult = done.LogResult;
    }
  }
  printer.end();
  return answer;
}
