import { createHash } from 'node:crypto';
import { AttachRolePolicyCommand, CreateRoleCommand, GetRoleCommand, ListAttachedRolePoliciesCommand, type IAMClient } from '@aws-sdk/client-iam';
import { SvlError } from '../../core/errors.js';
import { AwsCallError, awsCall, errorName } from './aws-errors.js';

export const BASIC_EXECUTION_POLICY = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

const TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/**
 * One role per function, named so a re-deploy finds it again. IAM role names are at most 64 chars:
 * a longer one keeps a prefix and a hash of the whole function name, so two long names that share
 * a prefix never share a role.
 */
export function executionRoleName(functionName: string): string {
  const plain = `svl-${functionName}-role`;
  if (plain.length <= 64) return plain;
  const hash = createHash('sha256').update(functionName).digest('hex').slice(0, 8);
  return `svl-${functionName.slice(0, 64 - 'svl-'.length - '-role'.length - 9)}-${hash}-role`;
}

export interface RoleLookup {
  name: string;
  arn?: string;
  /** svl's tag (created-by=svl) is on it. */
  svlMade?: boolean;
  /** Its trust policy lets Lambda assume it. */
  trustsLambda?: boolean;
}

export async function findRole(iam: IAMClient, name: string): Promise<RoleLookup> {
  try {
    const out = await iam.send(new GetRoleCommand({ RoleName: name }));
    const doc = decodeURIComponent(out.Role?.AssumeRolePolicyDocument ?? '');
    return {
      name,
      arn: out.Role?.Arn,
      svlMade: (out.Role?.Tags ?? []).some((t) => t.Key === 'created-by' && t.Value === 'svl'),
      trustsLambda: doc.includes('lambda.amazonaws.com'),
    };
  } catch (err) {
    if (errorName(err) === 'NoSuchEntityException' || errorName(err) === 'NoSuchEntity') return { name };
    throw new AwsCallError('iam:GetRole', err);
  }
}

/** Creates the role (trust lambda.amazonaws.com) and attaches the CloudWatch Logs policy. */
export async function createRole(iam: IAMClient, name: string, functionName: string): Promise<string> {
  const out = await awsCall('iam:CreateRole', () =>
    iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: TRUST_POLICY,
        Description: `Execution role for Lambda function ${functionName} (created by svl deploy)`,
        Tags: [{ Key: 'created-by', Value: 'svl' }],
      }),
    ),
  );
  const arn = out.Role?.Arn;
  // Idempotent: attaching an already attached policy is a no-op.
  await awsCall('iam:AttachRolePolicy', () => iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: BASIC_EXECUTION_POLICY })));
  if (!arn) throw new Error(`iam:CreateRole returned no ARN for ${name}`);
  return arn;
}

/**
 * An existing role svl may use: its own (repaired if a deploy stopped before the Logs policy was
 * attached), or — with --adopt — another one that trusts Lambda. Anything else is refused unchanged.
 */
export async function ensureUsableRole(iam: IAMClient, role: RoleLookup, adopt: boolean): Promise<{ repaired: boolean }> {
  if (!role.svlMade && !adopt) {
    throw new SvlError(
      `IAM role ${role.name} already exists and svl did not create it (no created-by=svl tag) — nothing was changed; pass --role <arn> to use a role of yours, or --adopt to let svl use this one`,
    );
  }
  if (!role.trustsLambda) {
    throw new SvlError(
      `IAM role ${role.name} does not trust lambda.amazonaws.com, so Lambda cannot run as it — nothing was changed; pass --role <arn> of a Lambda execution role`,
    );
  }
  if (!role.svlMade) return { repaired: false };
  const attached = await awsCall('iam:ListAttachedRolePolicies', () => iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role.name })));
  if ((attached.AttachedPolicies ?? []).some((p) => p.PolicyArn === BASIC_EXECUTION_POLICY)) return { repaired: false };
  await awsCall('iam:AttachRolePolicy', () => iam.send(new AttachRolePolicyCommand({ RoleName: role.name, PolicyArn: BASIC_EXECUTION_POLICY })));
  return { repaired: true };
}
