import {
  AddPermissionCommand,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  RemovePermissionCommand,
  UpdateFunctionUrlConfigCommand,
  type AddPermissionCommandInput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { FunctionUrlAuth } from '../../project/project.js';
import type { InvokeMode } from '../../project/svl-json.js';
import { AwsCallError, awsCall, errorName } from './aws-errors.js';
import { conflictRetry, withRetry } from './retry.js';

/**
 * A public (AuthType NONE) function URL needs two resource-policy statements since October 2025:
 * lambda:InvokeFunctionUrl and lambda:InvokeFunction with InvokedViaFunctionUrl, otherwise the URL
 * answers 403. Fixed statement ids make each one exist exactly once however often we deploy, and
 * are the only statements svl ever removes.
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
 */
export const URL_PERMISSIONS: ReadonlyArray<Omit<AddPermissionCommandInput, 'FunctionName'> & { StatementId: string }> = [
  { StatementId: 'svl-function-url-invoke-url', Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE' },
  { StatementId: 'svl-function-url-invoke-function', Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true },
];

export type UrlAuthType = 'AWS_IAM' | 'NONE';
const AUTH_TYPE: Record<Exclude<FunctionUrlAuth, 'none'>, UrlAuthType> = { iam: 'AWS_IAM', public: 'NONE' };

/** Where the URL lives: the function ($LATEST) or, with --alias, the alias. */
export interface UrlTarget {
  functionName: string;
  qualifier?: string;
}

export interface UrlState {
  url?: string;
  authType?: string;
  /** BUFFERED when Lambda leaves it out (its default). */
  invokeMode?: InvokeMode;
  /** Statement ids already in the resource policy (of the qualifier). */
  statementIds: Set<string>;
}

/**
 * What a deploy does to the URL. `keep` with no `choice`: neither --function-url nor svl.json said
 * anything, and an existing URL is left exactly as it is.
 */
export interface UrlPlan {
  action: 'create' | 'update' | 'delete' | 'keep';
  choice?: FunctionUrlAuth;
  qualifier?: string;
  /** The AuthType after the deploy (for keep without a choice: the one it has). */
  authType?: string;
  /** Set when the deploy changes an existing URL's AuthType. */
  previousAuthType?: string;
  /** svl.json "invokeMode" when it is RESPONSE_STREAM or changes (absent: BUFFERED, Lambda's default). */
  invokeMode?: InvokeMode;
  /** Set when the deploy changes an existing URL's InvokeMode. */
  previousInvokeMode?: InvokeMode;
  permissionsAdded: string[];
  permissionsRemoved: string[];
}

export const NO_URL: UrlState = { statementIds: new Set() };

const qualified = (t: UrlTarget) => ({ FunctionName: t.functionName, ...(t.qualifier ? { Qualifier: t.qualifier } : {}) });

export async function readUrlState(lambda: LambdaClient, target: UrlTarget): Promise<UrlState> {
  let url: string | undefined;
  let authType: string | undefined;
  let invokeMode: InvokeMode | undefined;
  try {
    const out = await lambda.send(new GetFunctionUrlConfigCommand(qualified(target)));
    url = out.FunctionUrl;
    authType = out.AuthType;
    invokeMode = out.InvokeMode === 'RESPONSE_STREAM' ? 'RESPONSE_STREAM' : 'BUFFERED';
  } catch (err) {
    if (errorName(err) !== 'ResourceNotFoundException') throw new AwsCallError('lambda:GetFunctionUrlConfig', err);
  }
  return { url, authType, invokeMode, statementIds: await readStatementIds(lambda, target) };
}

async function readStatementIds(lambda: LambdaClient, target: UrlTarget): Promise<Set<string>> {
  try {
    const out = await lambda.send(new GetPolicyCommand(qualified(target)));
    const policy = JSON.parse(out.Policy ?? '{}') as { Statement?: Array<{ Sid?: string }> };
    return new Set((policy.Statement ?? []).flatMap((s) => (s.Sid ? [s.Sid] : [])));
  } catch (err) {
    // No resource policy yet.
    if (errorName(err) === 'ResourceNotFoundException') return new Set();
    throw new AwsCallError('lambda:GetPolicy', err);
  }
}

/**
 * The URL plan for an explicit choice (or none) against what exists. `invokeMode` (svl.json) is
 * applied with the choice; without a choice an existing URL keeps its mode too.
 */
export function planUrl(choice: FunctionUrlAuth | undefined, state: UrlState, qualifier?: string, invokeMode: InvokeMode = 'BUFFERED'): UrlPlan {
  const ours = URL_PERMISSIONS.filter((p) => state.statementIds.has(p.StatementId)).map((p) => p.Action as string);
  const missing = URL_PERMISSIONS.filter((p) => !state.statementIds.has(p.StatementId)).map((p) => p.Action as string);
  const base = { choice, qualifier, permissionsAdded: [] as string[], permissionsRemoved: [] as string[] };
  if (choice === undefined) return { ...base, action: 'keep', authType: state.authType };
  if (choice === 'none') return { ...base, action: state.url ? 'delete' : 'keep', permissionsRemoved: ours };
  const to = AUTH_TYPE[choice];
  const authChanges = state.url !== undefined && state.authType !== to;
  const modeChanges = state.url !== undefined && (state.invokeMode ?? 'BUFFERED') !== invokeMode;
  return {
    ...base,
    action: !state.url ? 'create' : authChanges || modeChanges ? 'update' : 'keep',
    authType: to,
    // Said only when it is not Lambda's default or changes, so a BUFFERED plan reads as it always did.
    ...(invokeMode === 'RESPONSE_STREAM' || modeChanges ? { invokeMode } : {}),
    ...(authChanges ? { previousAuthType: state.authType } : {}),
    ...(modeChanges ? { previousInvokeMode: state.invokeMode ?? 'BUFFERED' } : {}),
    permissionsAdded: choice === 'public' ? missing : [],
    permissionsRemoved: choice === 'iam' ? ours : [],
  };
}

/** One line for the plan and the progress: what happens to the URL and why. */
export function describeUrlPlan(plan: UrlPlan, url: string | undefined): string {
  const on = plan.qualifier ? ` on alias ${plan.qualifier}` : '';
  const why = plan.choice ? ` (functionUrl ${plan.choice})` : ' (no functionUrl in svl.json or --function-url)';
  const perms = [
    ...(plan.permissionsAdded.length ? [`add permission ${plan.permissionsAdded.join(', ')}`] : []),
    ...(plan.permissionsRemoved.length ? [`remove svl's permission ${plan.permissionsRemoved.join(', ')}`] : []),
  ];
  const tail = perms.length ? `; ${perms.join('; ')}` : '';
  // BUFFERED is Lambda's default: only a streaming URL says its mode.
  const mode = plan.invokeMode === 'RESPONSE_STREAM' ? `, InvokeMode ${plan.invokeMode}` : '';
  if (plan.action === 'create') return `create${on} (AuthType ${plan.authType}${mode})${why}${tail}`;
  if (plan.action === 'update') {
    const changes = [
      ...(plan.previousAuthType !== undefined ? [`AuthType ${plan.previousAuthType} → ${plan.authType}`] : []),
      ...(plan.previousInvokeMode !== undefined ? [`InvokeMode ${plan.previousInvokeMode} → ${plan.invokeMode}`] : []),
    ];
    return `change ${changes.join(', ')}${on} ${url ?? ''}${why}${tail}`;
  }
  if (plan.action === 'delete') return `delete ${url ?? ''}${on}${why}${tail}`;
  if (!url) return `no URL${on}${why}${tail}`;
  return `keep ${url}${on} (AuthType ${plan.authType}${mode})${plan.choice ? '' : why}${tail}`;
}

/** Makes the URL match the plan; returns the URL (undefined once deleted or when there is none). */
export async function applyUrlPlan(
  lambda: LambdaClient,
  target: UrlTarget,
  plan: UrlPlan,
  state: UrlState,
  onChange: (what: string) => void,
): Promise<string | undefined> {
  let url = state.url;
  const where = target.qualifier ? ` (alias ${target.qualifier})` : '';
  if (plan.action === 'create') {
    const out = await awsCall('lambda:CreateFunctionUrlConfig', () =>
      withRetry(
        () => lambda.send(new CreateFunctionUrlConfigCommand({ ...qualified(target), AuthType: plan.authType as UrlAuthType, InvokeMode: plan.invokeMode })),
        conflictRetry,
      ),
    );
    url = out.FunctionUrl;
    if (!url) throw new Error('lambda:CreateFunctionUrlConfig returned no URL');
    onChange(`function URL${where} created (AuthType ${plan.authType}${plan.invokeMode === 'RESPONSE_STREAM' ? ', InvokeMode RESPONSE_STREAM' : ''})`);
  } else if (plan.action === 'update') {
    await awsCall('lambda:UpdateFunctionUrlConfig', () =>
      withRetry(
        () => lambda.send(new UpdateFunctionUrlConfigCommand({ ...qualified(target), AuthType: plan.authType as UrlAuthType, InvokeMode: plan.invokeMode })),
        conflictRetry,
      ),
    );
    onChange(`function URL${where} set to AuthType ${plan.authType}${plan.invokeMode ? `, InvokeMode ${plan.invokeMode}` : ''}`);
  } else if (plan.action === 'delete') {
    await awsCall('lambda:DeleteFunctionUrlConfig', () => withRetry(() => lambda.send(new DeleteFunctionUrlConfigCommand(qualified(target))), conflictRetry));
    url = undefined;
    onChange(`function URL${where} deleted`);
  }
  for (const permission of URL_PERMISSIONS) {
    const action = permission.Action as string;
    if (plan.permissionsAdded.includes(action)) await addPermission(lambda, target, permission);
    else if (plan.permissionsRemoved.includes(action)) await removePermission(lambda, target, permission.StatementId);
    else continue;
    onChange(`permission ${action} ${plan.permissionsAdded.includes(action) ? 'added' : 'removed'}`);
  }
  return url;
}

async function addPermission(lambda: LambdaClient, target: UrlTarget, permission: (typeof URL_PERMISSIONS)[number]): Promise<void> {
  try {
    await lambda.send(new AddPermissionCommand({ ...qualified(target), ...permission }));
  } catch (err) {
    // Added by a concurrent deploy since we read the policy: the statement exists, which is the goal.
    if (errorName(err) !== 'ResourceConflictException') throw new AwsCallError('lambda:AddPermission', err);
  }
}

async function removePermission(lambda: LambdaClient, target: UrlTarget, statementId: string): Promise<void> {
  try {
    await lambda.send(new RemovePermissionCommand({ ...qualified(target), StatementId: statementId }));
  } catch (err) {
    // Removed meanwhile: gone, which is the goal.
    if (errorName(err) !== 'ResourceNotFoundException') throw new AwsCallError('lambda:RemovePermission', err);
  }
}
