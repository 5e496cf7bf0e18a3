import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { Arch, FunctionConfig } from '../../project/project.js';

/** What svl.json says the function should look like. */
export interface DesiredFunction {
  name: string;
  runtime: 'provided.al2023';
  /** Custom runtimes ignore the handler; `bootstrap` is the convention. */
  handler: 'bootstrap';
  arch: Arch;
  memory: number;
  timeout: number;
  environment: Record<string, string>;
  description: string;
  tags: Record<string, string>;
}

export function desiredFunction(config: FunctionConfig): DesiredFunction {
  return {
    name: config.name,
    runtime: config.runtime,
    handler: 'bootstrap',
    arch: config.arch,
    memory: config.memory,
    timeout: config.timeout,
    environment: config.environment,
    description: config.description ?? '',
    tags: { ...config.tags, 'managed-by': 'svl' },
  };
}

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

function sameEnv(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

/**
 * Configuration fields that differ from what is deployed; only these are sent in
 * UpdateFunctionConfiguration. The role is compared only when the user passed --role: otherwise we
 * keep whatever role the function already runs as.
 */
export function configChanges(current: FunctionConfiguration, desired: DesiredFunction, roleArn?: string): FieldChange[] {
  const changes: FieldChange[] = [];
  const check = (field: string, from: unknown, to: unknown, same = from === to) => {
    if (!same) changes.push({ field, from, to });
  };
  check('Runtime', current.Runtime, desired.runtime);
  check('Handler', current.Handler, desired.handler);
  check('MemorySize', current.MemorySize, desired.memory);
  check('Timeout', current.Timeout, desired.timeout);
  const env = current.Environment?.Variables ?? {};
  check('Environment', env, desired.environment, sameEnv(env, desired.environment));
  check('Description', current.Description ?? '', desired.description);
  if (roleArn) check('Role', current.Role, roleArn);
  return changes;
}

/** Tags to add or overwrite; tags someone else put on the function are left alone. */
export function tagChanges(current: Record<string, string> | undefined, desired: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(desired).filter(([k, v]) => current?.[k] !== v));
}
