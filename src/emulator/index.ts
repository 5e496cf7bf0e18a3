import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../project/defaults.js';
import type { FunctionConfig } from '../project/project.js';
import type { FunctionSettings } from './function-settings.js';

export { BuildSnapshots } from './build-snapshot.js';
export { CloudRunService, portAcceptsConnections } from './cloudrun-service.js';
export { readDevState, removeDevState, writeDevState } from './dev-state.js';
export { LambdaEmulator } from './emulator.js';
export { listenError } from './listen-error.js';
export { parsePrelude } from './url-stream.js';
export { eventStreams } from './event-stream.js';
export type { EmulatedFunction } from './emulator.js';
export type { FunctionSettings } from './function-settings.js';
export type { InvocationResult } from './invocation.js';
export type { ResponseSink } from './response-stream.js';
export { logTail } from './public-server.js';
export { watchProject } from './source-watcher.js';

export interface SettingsExtras {
  /** Host pass-through and --env-file values (svl.json's environment wins over them). */
  extraEnv?: Record<string, string>;
  debug?: boolean;
}

export function functionSettings(fn: FunctionConfig, env: Record<string, string | undefined>, extras: SettingsExtras = {}): FunctionSettings {
  return {
    name: fn.name,
    memoryMb: fn.memory,
    timeoutSec: fn.timeout,
    arch: fn.arch,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? fn.region ?? LOCAL_REGION,
    accountId: env.AWS_ACCOUNT_ID ?? LOCAL_ACCOUNT_ID,
    environment: fn.environment,
    taskRoot: fn.dir,
    extraEnv: extras.extraEnv ?? {},
    debug: extras.debug ?? false,
    invokeMode: fn.invokeMode,
  };
}
