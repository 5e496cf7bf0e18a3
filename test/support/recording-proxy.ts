import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordingProxy {
  /** http://127.0.0.1:<port>: pass as AWS_ENDPOINT_URL instead of the server's own. */
  endpoint: string;
  /** "METHOD path?query" of every request, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of `target` (a moto server) that records every request: for what
 * moto accepts but does not keep apart (a Qualifier it ignores) or to count uploads.
 */
export async function recordingProxy(target: string): Promise<RecordingProxy> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const upstream = httpRequest(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
