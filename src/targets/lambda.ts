import { functionSettings, LambdaEmulator, listenError, removeDevState, writeDevState, type EmulatedFunction } from '../emulator/index.js';
import type { Project } from '../project/project.js';
import { deployLambdaFunctions } from './lambda-deploy.js';
import type { DevContext, DevFunction, DevServer, Target } from './target.js';

function emulated(d: DevFunction, ctx: DevContext): EmulatedFunction {
  return { fn: functionSettings(d.fn, ctx.io.env, { extraEnv: ctx.extraEnv, debug: d.debug }), binary: d.binary, maxInstances: d.fn.concurrency };
}

/** Settings that need a new instance pool when they change (a new build only swaps the binary). */
const settingsKey = (d: DevFunction, ctx: DevContext) => JSON.stringify({ ...emulated(d, ctx).fn, binary: undefined });

export const lambdaTarget: Target = {
  platform: 'lambda',
  title: 'Lambda function',
  packaging: 'lambda',
  foreignDeployFlags: [],
  devFlags: ['host', 'concurrency'],
  // One port for every function: the Invoke API routes by name, function URLs by path.
  devPorts: () => 1,
  devHost: (requested) => requested,
  deploy: deployLambdaFunctions,

  async dev(fns, ctx): Promise<DevServer> {
    const emulator = new LambdaEmulator({
      functions: fns.map((d) => emulated(d, ctx)),
      hostEnv: ctx.io.env,
      onLog: ctx.log,
      routes: ctx.project.routes,
      defaultFunction: defaultOf(ctx.project, fns),
    });
    let bound: number;
    try {
      bound = await emulator.listen(ctx.port, ctx.host);
    } catch (err) {
      await emulator.close();
      throw listenError(err as NodeJS.ErrnoException, ctx.port, ctx.host);
    }
    let current = new Map(fns.map((d) => [d.fn.name, settingsKey(d, ctx)]));
    const writeState = () => writeDevState(ctx.project.root, { pid: process.pid, port: bound, host: ctx.host, functions: [...emulator.functions.keys()] });
    await writeState();
    const base = `http://${ctx.host}:${bound}`;
    ctx.say(`listening on ${base} — Invoke API: ${base}/2015-03-31/functions/<name>/invocations (AWS_ENDPOINT_URL=${base})`);
    for (const d of fns) {
      const url = emulator.defaultFunction === d.fn.name ? `${base}/ and ${base}/lambda-url/${d.fn.name}/` : `${base}/lambda-url/${d.fn.name}/`;
      ctx.say(`  ${d.fn.name}: ${url} (up to ${d.fn.concurrency} instances, ${d.fn.memory} MB, ${d.fn.timeout} s timeout${d.debug ? ', debug build' : ''})`);
    }
    for (const r of ctx.project.routes) ctx.say(`  route ${r.method ?? 'ANY'} ${r.path} → ${r.function}`);
    return {
      swap: async (d) => emulator.useBinary(d.fn.name, d.binary),
      invoke: async (name, payload) => emulator.invoke(name, payload),
      reconfigure: async (project, next) => {
        const nextNames = new Set(next.map((d) => d.fn.name));
        for (const name of [...emulator.functions.keys()]) {
          if (!nextNames.has(name)) {
            await emulator.remove(name);
            ctx.say(`${name}: removed from svl.json — stopped`);
          }
        }
        for (const d of next) {
          const key = settingsKey(d, ctx);
          if (current.get(d.fn.name) === key) continue;
          const added = !emulator.functions.has(d.fn.name);
          emulator.add(emulated(d, ctx));
          ctx.say(`${d.fn.name}: ${added ? `added, at ${base}/lambda-url/${d.fn.name}/` : 'settings changed — restarted'}`);
        }
        current = new Map(next.map((d) => [d.fn.name, settingsKey(d, ctx)]));
        emulator.routes = project.routes;
        emulator.defaultFunction = defaultOf(project, next);
        await writeState();
      },
      close: async () => {
        await removeDevState(ctx.project.root);
        await emulator.close();
      },
    };
  },
};

/** Bare paths reach the function whose folder svl dev runs in, else svl.json's default. */
function defaultOf(project: Project, fns: DevFunction[]): string | undefined {
  const names = fns.map((d) => d.fn.name);
  const wanted = project.here ?? project.defaultFunction;
  return wanted && names.includes(wanted) ? wanted : names.length === 1 ? names[0] : undefined;
}
