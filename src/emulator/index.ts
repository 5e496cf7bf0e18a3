import type { SvlConfig } from '../config/svl-config.js';
import type { FunctionSettings } from './function-settings.js';

export { LambdaEmulator } from './emulator.js';
export { BuildSnapshots } from './build-snapshot.js';
export { CloudRunService, portAcceptsConnections } from './cloudrun-service.js';
export { watchSources } from './source-watcher.js';
export { readDevState, writeDevState, removeDevState } from './dev-state.js';
export { logTail } from './public-server.js';
export type { FunctionSettings } from './function-settings.js';
export type { InvocationResult } from './invocation.js';

/** Lambda's placeholder account for local runs (the ARN shape is what matters to handlers). */
const LOCAL_ACCOUNT_ID = '000000000000';

export function functionSettings(config: SvlConfig, projectDir: string, env: Record<string, string | undefined>): FunctionSettings {
  return {
    name: config.name,
    memoryMb: config.memory,
    timeoutSec: config.timeout,
    arch: config.arch,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? config.region ?? 'us-east-1',
    accountId: env.AWS_ACCOUNT_ID ?? LOCAL_ACCOUNT_ID,
    environment: config.environment,
    taskRoot: projectDir,
  };
}
