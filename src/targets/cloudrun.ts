import getPort from 'get-port';
import { SvlError } from '../core/errors.js';
import { CloudRunService, portAcceptsConnections } from '../emulator/index.js';
import { DEV_HOST } from '../project/defaults.js';
import { deployCloudRunServices } from './cloudrun-deploy.js';
import type { DevFunction, DevServer, Target } from './target.js';

export const cloudRunTarget: Target = {
  platform: 'cloudrun',
  title: 'Cloud Run service',
  packaging: 'container',
  foreignDeployFlags: ['role', 'functionUrl', 's3Bucket', 'alias', 'profile', 'endpointUrl', 'adopt'],
  devFlags: [],
  // Each service listens on a port of its own, as a container does.
  devPorts: (fns) => fns.length,
  // The service binds $HOST:$PORT itself; under svl dev that is loopback only.
  devHost: () => DEV_HOST,
  deploy: deployCloudRunServices,

  /** Each service runs natively with PORT set, one port each from `ctx.port` up (Cloud Run's contract is just "listen on $PORT"). */
  async dev(fns, ctx): Promise<DevServer> {
    const running = new Map<string, { service: CloudRunService; port: number }>();
    // Port 0 means any free one, as for Lambda functions.
    let nextPort = ctx.port;
    const start = async (d: DevFunction) => {
      const environment = { ...ctx.extraEnv, ...d.fn.environment };
      if (!ctx.io.env.GEMINI_API_KEY && !environment.GEMINI_API_KEY) {
        environment.OCR_ENGINE = 'tesseract';
        ctx.say(`${d.fn.name}: GEMINI_API_KEY is not set: OCR_ENGINE=tesseract (local tesseract instead of Gemini)`);
      }
      const port = nextPort === 0 ? await getPort({ host: '127.0.0.1' }) : nextPort++;
      if (await portAcceptsConnections(port)) throw new SvlError(`port ${port} is in use — pass --port <free port>`);
      const service = new CloudRunService({ cwd: d.fn.dir, host: DEV_HOST, port, environment, hostEnv: ctx.io.env, onLog: (line) => ctx.log(d.fn.name, line) });
      service.start(d.binary);
      if (!(await service.waitUntilListening())) {
        await service.stop();
        throw new SvlError(`${d.fn.name} did not listen on PORT=${port} — check its output above (is the port free? pass --port <free port>)`);
      }
      running.set(d.fn.name, { service, port });
      ctx.say(`${d.fn.name} (Cloud Run service) listening on http://127.0.0.1:${port}/`);
    };
    for (const d of fns) await start(d);
    return {
      swap: async (d) => {
        const r = running.get(d.fn.name);
        if (!r) return;
        if (await r.service.restart(d.binary)) ctx.say(`${d.fn.name}: restarted on http://127.0.0.1:${r.port}/`);
        else ctx.say(`${d.fn.name}: the new build did not start listening — fix it and save again`);
      },
      reconfigure: async (_project, next) => {
        // Environment and settings are read at start: restart every service with the new ones.
        const ports = new Map([...running].map(([n, r]) => [n, r.port]));
        for (const r of running.values()) await r.service.stop();
        running.clear();
        for (const d of next) {
          nextPort = ports.get(d.fn.name) ?? (nextPort || 0);
          await start(d);
        }
      },
      close: async () => {
        for (const r of running.values()) await r.service.stop();
      },
    };
  },
};
