import {
  AddPermissionCommand,
  CreateFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  UpdateFunctionUrlConfigCommand,
  type AddPermissionCommandInput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { AwsCallError, awsCall, errorName } from './aws-errors.js';
import { conflictRetry, withRetry } from './retry.js';

/**
 * A public (AuthType NONE) function URL needs two resource-policy statements since October 2025:
 * lambda:InvokeFunctionUrl and lambda:InvokeFunction with InvokedViaFunctionUrl, otherwise the URL
 * answers 403. Fixed statement ids make each one exist exactly once however often we deploy.
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
 */
export const URL_PERMISSIONS: ReadonlyArray<Omit<AddPermissionCommandInput, 'FunctionName'> & { StatementId: string }> = [
  { StatementId: 'svl-function-url-invoke-url', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' },
  { StatementId: 'svl-function-url-invoke-function', Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true },
];

export interface UrlState {
  url?: string;
  authType?: string;
  /** Statement ids already in the function's resource policy. */
  statementIds: Set<string>;
}

export async function readUrlState(lambda: LambdaClient, functionName: string): Promise<UrlState> {
  let url: string | undefined;
  let authType: string | undefined;
  try {
    const out = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: functionName }));
    url = out.FunctionUrl;
    authType = out.AuthType;
  } catch (err) {
    if (errorName(err) !== 'ResourceNotFoundException') throw new AwsCallError('lambda:GetFunctionUrlConfig', err);
  }
  return { url, authType, statementIds: await readStatementIds(lambda, functionName) };
}

async function readStatementIds(lambda: LambdaClient, functionName: string): Promise<Set<string>> {
  try {
    const out = await lambda.send(new GetPolicyCommand({ FunctionName: functionName }));
    const policy = JSON.parse(out.Policy ?? '{}') as { Statement?: Array<{ Sid?: string }> };
    return new Set((policy.Statement ?? []).flatMap((s) => (s.Sid ? [s.Sid] : [])));
  } catch (err) {
    // No resource policy yet.
    if (errorName(err) === 'ResourceNotFoundException') return new Set();
    throw new AwsCallError('lambda:GetPolicy', err);
  }
}

export interface UrlChanges {
  url: 'create' | 'update' | 'keep';
  permissions: string[];
}

export function plannedUrlChanges(state: UrlState): UrlChanges {
  return {
    url: !state.url ? 'create' : state.authType !== 'NONE' ? 'update' : 'keep',
    permissions: URL_PERMISSIONS.filter((p) => !state.statementIds.has(p.StatementId)).map((p) => p.Action as string),
  };
}

/** Creates or updates the URL config and adds whichever of the two statements is missing. */
export async function applyFunctionUrl(lambda: LambdaClient, functionName: string, state: UrlState, onChange: (what: string) => void): Promise<string> {
  let url = state.url;
  if (!url) {
    const out = await awsCall('lambda:CreateFunctionUrlConfig', () =>
      withRetry(() => lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: functionName, AuthType: 'NONE' })), conflictRetry),
    );
    url = out.FunctionUrl;
    onChange('function URL created');
  } else if (state.authType !== 'NONE') {
    await awsCall('lambda:UpdateFunctionUrlConfig', () =>
      withRetry(() => lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: functionName, AuthType: 'NONE' })), conflictRetry),
    );
    onChange('function URL switched to AuthType NONE');
  }
  for (const permission of URL_PERMISSIONS) {
    if (state.statementIds.has(permission.StatementId)) continue;
    try {
      await lambda.send(new AddPermissionCommand({ FunctionName: functionName, ...permission }));
      onChange(`permission ${permission.Action} added`);
    } catch (err) {
      // Added by a concurrent deploy since we read the policy: the statement exists, which is the goal.
      if (errorName(err) !== 'ResourceConflictException') throw new AwsCallError('lambda:AddPermission', err);
    }
  }
  if (!url) throw new Error('lambda:CreateFunctionUrlConfig returned no URL');
  return url;
}
