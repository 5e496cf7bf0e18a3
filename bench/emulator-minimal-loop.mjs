// A bare Lambda Runtime API for one bootstrap: no pool, limits, logs or REPORT. bench/emulator.mjs
// runs it (as its own process, like svl dev) to show what svl dev's bookkeeping costs.
// Usage: node bench/emulator-minimal-loop.mjs <invoke port> <bootstrap>
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';

const [port, bootstrap] = process.argv.slice(2);
let waiting; // the runtime's pending GET /next
let pending; // the caller's { payload, res }
let seq = 0;
const inFlight = new Map();

function deliver() {
  if (!waiting || !pending) return;
  const id = String(++seq);
  inFlight.set(id, pending.res);
  waiting
    .writeHead(200, {
      'Lambda-Runtime-Aws-Request-Id': id,
      'Lambda-Runtime-Deadline-Ms': String(Date.now() + 10_000),
      'Lambda-Runtime-Invoked-Function-Arn': 'arn:aws:lambda:us-east-1:000000000000:function:f',
    })
    .end(pending.payload);
  waiting = pending = undefined;
}

function body(req, then) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => then(Buffer.concat(chunks)));
}

const runtimeApi = createServer((req, res) => {
  if (req.method === 'GET') {
    waiting = res;
    return deliver();
  }
  body(req, (payload) => {
    res.writeHead(202).end();
    const id = req.url.split('/')[4];
    inFlight.get(id)?.writeHead(200, { 'Content-Type': 'application/json' }).end(payload);
    inFlight.delete(id);
  });
});
runtimeApi.keepAliveTimeout = 0;

runtimeApi.listen(0, '127.0.0.1', () => {
  const child = spawn(bootstrap, [], { env: { AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${runtimeApi.address().port}` }, stdio: 'ignore' });
  const stop = () => {
    child.kill('SIGKILL');
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  createServer((req, res) =>
    body(req, (payload) => {
      pending = { payload, res };
      deliver();
    }),
  ).listen(Number(port), '127.0.0.1');
});
