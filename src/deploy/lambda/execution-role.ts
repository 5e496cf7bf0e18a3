import { AttachRolePolicyCommand, CreateRoleCommand, GetRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import { AwsCallError, awsCall, errorName } from './aws-errors.js';

export const BASIC_EXECUTION_POLICY = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

const TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** One role per function, named so a re-deploy finds it again. IAM role names are at most 64 chars. */
export function executionRoleName(functionName: string): string {
  return `svl-${functionName}-role`.slice(0, 64);
}

export interface RoleLookup {
  name: string;
  arn?: string;
}

export async function findRole(iam: IAMClient, name: string): Promise<RoleLookup> {
  try {
    const out = await iam.send(new GetRoleCommand({ RoleName: name }));
    return { name, arn: out.Role?.Arn };
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
