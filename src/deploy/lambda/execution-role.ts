import { createHash } from 'node:crypto';
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
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
  /** Who its trust policy lets assume it (services, accounts, federated providers). */
  trustPrincipals?: string[];
}

/** Managed policies that make a role admin-class: svl never widens its own role to these. */
const ADMIN_CLASS = ['AdministratorAccess', 'PowerUserAccess', 'IAMFullAccess'];

export interface RolePolicies {
  /** Attached managed policies, by name. */
  managed: { name: string; arn: string }[];
  /** Inline policies, by name; `admin` when a statement allows "Action": "*" on "Resource": "*". */
  inline: { name: string; admin: boolean }[];
}

type Statement = { Effect?: string; Action?: string | string[]; Resource?: string | string[]; Principal?: unknown };
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const statements = (doc: string | undefined): Statement[] => {
  try {
    const parsed = JSON.parse(decodeURIComponent(doc ?? '')) as { Statement?: Statement | Statement[] };
    return Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
  } catch {
    return [];
  }
};

function principals(doc: string | undefined): string[] {
  return statements(doc).flatMap((st) => {
    const p = st.Principal;
    if (typeof p === 'string') return [p];
    return Object.values((p ?? {}) as Record<string, string | string[]>).flatMap(list);
  });
}

const allowsEverything = (doc: string | undefined) =>
  statements(doc).some((st) => st.Effect === 'Allow' && list(st.Action).includes('*') && list(st.Resource).includes('*'));

export async function findRole(iam: IAMClient, name: string): Promise<RoleLookup> {
  try {
    const out = await iam.send(new GetRoleCommand({ RoleName: name }));
    const doc = decodeURIComponent(out.Role?.AssumeRolePolicyDocument ?? '');
    return {
      name,
      arn: out.Role?.Arn,
      svlMade: (out.Role?.Tags ?? []).some((t) => t.Key === 'created-by' && t.Value === 'svl'),
      trustsLambda: doc.includes('lambda.amazonaws.com'),
      trustPrincipals: principals(doc),
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

/** What the role carries: attached managed policies and inline ones (read only). */
export async function readRolePolicies(iam: IAMClient, name: string): Promise<RolePolicies> {
  const attached = await awsCall('iam:ListAttachedRolePolicies', () => iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name })));
  const inlineNames = (await awsCall('iam:ListRolePolicies', () => iam.send(new ListRolePoliciesCommand({ RoleName: name })))).PolicyNames ?? [];
  const inline = await Promise.all(
    inlineNames.map(async (policy) => {
      const out = await awsCall('iam:GetRolePolicy', () => iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policy })));
      return { name: policy, admin: allowsEverything(out.PolicyDocument) };
    }),
  );
  return { managed: (attached.AttachedPolicies ?? []).map((p) => ({ name: p.PolicyName ?? '', arn: p.PolicyArn ?? '' })), inline };
}

/** Names of what the role carries (inline ones marked), optionally leaving out some managed policies. */
function policyNames(p: RolePolicies, skipArn?: string): string[] {
  return [...p.managed.filter((m) => m.arn !== skipArn).map((m) => m.name), ...p.inline.map((i) => `${i.name} (inline)`)];
}

/** Names of what the role carries beyond the CloudWatch Logs policy svl attaches. */
export function extraPolicies(p: RolePolicies): string[] {
  return policyNames(p, BASIC_EXECUTION_POLICY);
}

/** Names of its admin-class policies: AdministratorAccess, PowerUserAccess, IAMFullAccess, or an inline "*" on "*". */
export function adminPolicies(p: RolePolicies): string[] {
  return [
    ...p.managed.filter((m) => m.arn.startsWith('arn:aws') && ADMIN_CLASS.includes(m.name)).map((m) => m.name),
    ...p.inline.filter((i) => i.admin).map((i) => `${i.name} (inline, "Action": "*" on "Resource": "*")`),
  ];
}

export interface UsableRole {
  /** The CloudWatch Logs policy was (or, in a dry run, would be) attached to a half-made svl role. */
  repaired: boolean;
  /** Policies beyond svl's own on an svl role: for a warning. */
  extra: string[];
}

/**
 * An existing role svl may use: its own (repaired if a deploy stopped before the Logs policy was
 * attached; refused if it was widened to admin-class, unless --adopt), or — with --adopt — another
 * one that trusts Lambda. Anything else is refused unchanged. A dry run only reads.
 */
export async function ensureUsableRole(iam: IAMClient, role: RoleLookup, opts: { adopt: boolean; dryRun: boolean }): Promise<UsableRole> {
  if (!role.svlMade && !opts.adopt) {
    const carried = policyNames(await readRolePolicies(iam, role.name));
    throw new SvlError(
      `IAM role ${role.name} already exists and svl did not create it (no created-by=svl tag; trusts ${role.trustPrincipals?.join(', ') || 'no principal'}; policies: ${carried.join(', ') || 'none'}) — nothing was changed; pass --role <arn> to use a role of yours, or --adopt to let svl use this one`,
    );
  }
  if (!role.trustsLambda) {
    throw new SvlError(
      `IAM role ${role.name} does not trust lambda.amazonaws.com (it trusts ${role.trustPrincipals?.join(', ') || 'no principal'}), so Lambda cannot run as it — nothing was changed; pass --role <arn> of a Lambda execution role`,
    );
  }
  if (!role.svlMade) return { repaired: false, extra: [] };
  const policies = await readRolePolicies(iam, role.name);
  const admin = adminPolicies(policies);
  if (admin.length > 0 && !opts.adopt) {
    throw new SvlError(
      `IAM role ${role.name} was created by svl but now carries ${admin.join(', ')} — nothing was changed; a Lambda execution role should not be admin-class: detach it ('aws iam detach-role-policy --role-name ${role.name} --policy-arn …' or 'aws iam delete-role-policy'), pass --role <arn>, or --adopt to deploy with it as it is`,
    );
  }
  const extra = extraPolicies(policies);
  if (policies.managed.some((p) => p.arn === BASIC_EXECUTION_POLICY)) return { repaired: false, extra };
  if (!opts.dryRun) {
    await awsCall('iam:AttachRolePolicy', () => iam.send(new AttachRolePolicyCommand({ RoleName: role.name, PolicyArn: BASIC_EXECUTION_POLICY })));
  }
  return { repaired: true, extra };
}
