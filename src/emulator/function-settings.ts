import path from 'node:path';
import type { Arch } from '../project/project.js';

/** What the emulator needs to know about the function: svl.json plus where it runs. */
export interface FunctionSettings {
  name: string;
  memoryMb: number;
  timeoutSec: number;
  arch: Arch;
  region: string;
  accountId: string;
  /** svl.json "environment". */
  environment: Record<string, string>;
  /** LAMBDA_TASK_ROOT: the function's folder on the host. */
  taskRoot: string;
  /** Host pass-through and --env-file values; svl.json's environment wins over them. */
  extraEnv: Record<string, string>;
  /** A debug build: REPORT says its numbers are not the release ones. */
  debug: boolean;
  /** svl.json "invokeMode": RESPONSE_STREAM function URLs pass the response on as it is written. */
  invokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
}

export const functionArn = (f: FunctionSettings) => `arn:aws:lambda:${f.region}:${f.accountId}:function:${f.name}`;

// Credentials pass through only when the caller has them, so the function can reach real (or
// emulated) AWS services the way it would with its execution role.
const PASS_THROUGH = ['PATH', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL'];

/** The environment Lambda gives an OS-only runtime (provided.al2023). */
export function lambdaEnvironment(
  f: FunctionSettings,
  runtimeApi: string,
  instanceNo: number,
  hostEnv: Record<string, string | undefined>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of PASS_THROUGH) {
    const value = hostEnv[key];
    if (value) env[key] = value;
  }
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    ...env,
    ...f.extraEnv,
    ...f.environment,
    AWS_LAMBDA_RUNTIME_API: runtimeApi,
    AWS_LAMBDA_FUNCTION_NAME: f.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(f.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_REGION: f.region,
    AWS_DEFAULT_REGION: f.region,
    AWS_EXECUTION_ENV: 'AWS_Lambda_provided.al2023',
    LAMBDA_TASK_ROOT: f.taskRoot,
    LAMBDA_RUNTIME_DIR: path.dirname(f.taskRoot),
    _HANDLER: 'bootstrap',
    TZ: ':UTC',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${f.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]svl-dev-${process.pid}-${instanceNo}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  };
}
