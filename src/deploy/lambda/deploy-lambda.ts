import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  PublishVersionCommand,
  TagResourceCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
  type GetFunctionCommandOutput,
  type UpdateFunctionConfigurationCommandInput,
} from '@aws-sdk/client-lambda';
import { SvlError } from '../../core/errors.js';
import type { Progress } from '../progress.js';
import type { AwsClients } from './aws-clients.js';
import { AwsCallError, awsCall, errorName, toSvlError } from './aws-errors.js';
import { waitForState } from './wait-state.js';

export { waitForState };
import { createRole, ensureUsableRole, executionRoleName, findRole, type RoleLookup } from './execution-role.js';
import { codeSha256 } from '../../artifacts/zip-bootstrap.js';
import { checkCodeSize, codeFields, codeSource, putZip, s3ObjectExists } from './code-package.js';
import { checkEnvironmentSize, redactErrorEnvironment, secretLookingNames } from './environment-guard.js';
import { configChanges, tagChanges, type DesiredFunction } from './function-config.js';
import { applyUrlPlan, describeUrlPlan, NO_URL, planUrl, readUrlState, type UrlPlan, type UrlTarget } from './function-url.js';
import type { FunctionUrlAuth } from '../../project/project.js';
import type { InvokeMode } from '../../project/svl-json.js';
import { conflictRetry, rolePropagationRetry, withRetry, type RetryPolicy } from './retry.js';

export interface LambdaDeployRequest {
  clients: AwsClients;
  desired: DesiredFunction;
  zip: Buffer;
  /** --role: use this execution role instead of creating/reusing svl's. */
  roleArn?: string;
  /** iam, public or none; undefined: an existing URL is kept as it is. */
  functionUrl?: FunctionUrlAuth;
  /** svl.json "invokeMode": how the function URL (when there is one) answers. */
  invokeMode?: InvokeMode;
  alias?: string;
  /** Upload the zip to this bucket and deploy it from there (needed over 50 MB). */
  s3Bucket?: string;
  dryRun: boolean;
  progress: Progress;
  /** --adopt: take over a function or role of the same name that svl did not create. */
  adopt?: boolean;
  /** One-line warnings (a secret-looking variable name); never given a value. */
  warn?: (line: string) => void;
}

export interface LambdaDeployReport {
  dryRun: boolean;
  action: 'create' | 'update';
  functionName: string;
  region: string;
  functionArn?: string;
  /** `$LATEST`, or the version published for --alias. */
  version?: string;
  alias?: { name: string; action: 'create' | 'update' };
  url?: string;
  code: { sha256: string; bytes: number; upload: boolean; s3?: { bucket: string; key: string; uploaded: boolean } };
  changedFields: string[];
  tagsChanged: string[];
  role: { arn?: string; name?: string; action: 'given' | 'create' | 'reuse' | 'keep'; extraPolicies?: string[] };
  functionUrl?: UrlPlan;
}

/** What exists in AWS right now, kept up to date so a failure can say so. */
class DeployLedger {
  private readonly facts = new Map<string, string>();
  set(key: string, fact: string) {
    this.facts.set(key, fact);
  }
  describe(): string {
    return this.facts.size > 0 ? [...this.facts.values()].join('; ') : 'nothing was changed';
  }
}

async function getFunction(req: LambdaDeployRequest): Promise<GetFunctionCommandOutput | undefined> {
  try {
    return await req.clients.lambda.send(new GetFunctionCommand({ FunctionName: req.desired.name }));
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') return undefined;
    throw new AwsCallError('lambda:GetFunction', err);
  }
}

/**
 * Creates or updates one Lambda function from svl.json and a zip: only what differs is sent, an
 * unchanged zip is not uploaded, and every step waits for Lambda to settle before the next.
 */
export async function deployLambda(req: LambdaDeployRequest): Promise<LambdaDeployReport> {
  const { zip, desired } = req;
  // Before any AWS call: Lambda's own error for this would quote every value.
  checkEnvironmentSize(desired.name, desired.environment);
  for (const name of secretLookingNames(desired.environment)) {
    req.warn?.(
      `${desired.name}: environment variable ${name} looks like a secret — Lambda shows environment values to anyone who can read the function's configuration; keep it in Secrets Manager or SSM Parameter Store and pass its name`,
    );
  }
  await checkCodeSize(desired.name, zip, req.s3Bucket);
  const ledger = new DeployLedger();
  try {
    return await deploySteps(req, ledger);
  } catch (err) {
    req.progress.fail();
    // AWS messages may quote environment values (the 4 KB error quotes them all): withheld.
    redactErrorEnvironment(err, desired.environment);
    const svlErr = toSvlError(err, 'deploy', req.clients.endpoint);
    throw new SvlError(`${svlErr.message} (now: ${ledger.describe()})`, svlErr.exitCode);
  }
}

async function deploySteps(req: LambdaDeployRequest, ledger: DeployLedger): Promise<LambdaDeployReport> {
  const { clients, desired, zip, progress } = req;
  const { lambda } = clients;
  const sha256 = codeSha256(zip);
  progress.step(`reading function ${desired.name} in ${clients.region}`);
  const existing = await getFunction(req);
  if (existing && existing.Tags?.['managed-by'] !== 'svl' && !req.adopt) {
    const c = existing.Configuration;
    throw new SvlError(
      `function ${desired.name} already exists in ${clients.region} and svl did not create it (${c?.Runtime ?? c?.PackageType ?? 'unknown runtime'}, ${c?.Architectures?.[0] ?? 'x86_64'}, no managed-by=svl tag) — nothing was changed; pick another name in svl.json, or pass --adopt to let svl take it over`,
    );
  }
  ledger.set('function', existing ? `function ${desired.name} unchanged` : `function ${desired.name} does not exist`);

  const report: LambdaDeployReport = {
    dryRun: req.dryRun,
    action: existing ? 'update' : 'create',
    functionName: desired.name,
    region: clients.region,
    functionArn: existing?.Configuration?.FunctionArn,
    version: existing ? '$LATEST' : undefined,
    code: { sha256, bytes: zip.length, upload: true },
    changedFields: [],
    tagsChanged: [],
    role: { action: 'given', arn: req.roleArn },
  };

  let config: FunctionConfiguration;
  if (!existing?.Configuration) {
    report.tagsChanged = Object.keys(desired.tags);
    const roleArn = await resolveRole(req, report, ledger);
    const code = await stageCode(req, report, ledger);
    if (req.dryRun) return planRest(req, report, undefined);
    progress.step(`creating function ${desired.name} (${(zip.length / 1024).toFixed(0)} KiB)`);
    config = await awsCall('lambda:CreateFunction', () =>
      retryCreate(
        () =>
          lambda.send(
            new CreateFunctionCommand({
              FunctionName: desired.name,
              Runtime: desired.runtime,
              Handler: desired.handler,
              Role: roleArn,
              Architectures: [desired.arch],
              MemorySize: desired.memory,
              Timeout: desired.timeout,
              Environment: { Variables: desired.environment },
              Description: desired.description,
              Tags: desired.tags,
              Code: code,
            }),
          ),
        { ...rolePropagationRetry, onRetry: () => progress.step('waiting for the new IAM role to propagate') },
        desired.name,
      ),
    );
    ledger.set('function', `function ${desired.name} created`);
    progress.step('waiting for the function to become Active');
    await waitFor(req, 'Active');
  } else {
    config = existing.Configuration;
    const archChanged = config.Architectures?.[0] !== desired.arch;
    report.code.upload = config.CodeSha256 !== sha256 || archChanged;
    const changes = configChanges(config, desired, req.roleArn);
    report.changedFields = [...(archChanged ? ['Architectures'] : []), ...changes.map((c) => c.field)];
    const tags = tagChanges(existing.Tags, desired.tags);
    report.tagsChanged = Object.keys(tags);
    report.role = req.roleArn ? { action: 'given', arn: req.roleArn } : { action: 'keep', arn: config.Role };
    if (!req.roleArn) await checkKeptRole(req, report, ledger, config.Role);
    const code = report.code.upload ? await stageCode(req, report, ledger) : undefined;
    if (req.dryRun) return planRest(req, report, config.FunctionArn);

    if (code) {
      progress.step(`updating code (${(zip.length / 1024).toFixed(0)} KiB${report.code.s3 ? ` from s3://${report.code.s3.bucket}` : ''})`);
      await awsCall('lambda:UpdateFunctionCode', () =>
        withRetry(() => lambda.send(new UpdateFunctionCodeCommand({ FunctionName: desired.name, ...code, Architectures: [desired.arch] })), conflictRetry),
      );
      ledger.set('function', `function ${desired.name} has the new code`);
      await waitUpdated(req);
    } else {
      progress.step('code unchanged');
    }
    if (changes.length > 0) {
      progress.step(`updating configuration: ${changes.map((c) => c.field).join(', ')}`);
      await awsCall('lambda:UpdateFunctionConfiguration', () =>
        withRetry(
          () =>
            lambda.send(
              new UpdateFunctionConfigurationCommand(
                configUpdate(
                  desired,
                  changes.map((c) => c.field),
                  req.roleArn,
                ),
              ),
            ),
          conflictRetry,
        ),
      );
      ledger.set('function', `function ${desired.name} has the new code and configuration`);
      await waitUpdated(req);
    }
    if (report.tagsChanged.length > 0 && config.FunctionArn) {
      const arn = config.FunctionArn;
      await awsCall('lambda:TagResource', () => lambda.send(new TagResourceCommand({ Resource: arn, Tags: tags })));
    }
  }
  report.functionArn = config.FunctionArn;
  report.version = '$LATEST';

  if (req.alias) {
    progress.step(`publishing a version for alias ${req.alias}`);
    const published = await awsCall('lambda:PublishVersion', () =>
      withRetry(() => lambda.send(new PublishVersionCommand({ FunctionName: desired.name, CodeSha256: report.code.sha256 })), conflictRetry),
    );
    report.version = published.Version;
    ledger.set('version', `version ${published.Version} published`);
    report.alias = { name: req.alias, action: await pointAlias(req, req.alias, published.Version!) };
  }
  // After the alias exists: with --alias the URL is the alias's.
  await urlStep(req, report, ledger);
  progress.done(`deployed ${desired.name}`);
  return report;
}

/** The code fields for Create/UpdateFunctionCode: the zip itself, or (--s3-bucket) its S3 object, uploaded once per content. */
async function stageCode(req: LambdaDeployRequest, report: LambdaDeployReport, ledger: DeployLedger): Promise<ReturnType<typeof codeFields>> {
  const source = codeSource(req.desired.name, req.zip, req.s3Bucket);
  if (source.kind === 'zip') return codeFields(source, req.zip);
  const s3 = await req.clients.s3();
  const where = `s3://${source.bucket}/${source.key}`;
  req.progress.step(`looking for ${where}`);
  const exists = await s3ObjectExists(s3, source, req.clients.region);
  report.code.s3 = { bucket: source.bucket, key: source.key, uploaded: !exists };
  if (req.dryRun) return codeFields(source, req.zip);
  if (exists) {
    req.progress.step(`${where} already holds this zip, not uploaded again`);
  } else {
    req.progress.step(`uploading code to ${where} (${(req.zip.length / 1e6).toFixed(1)} MB)`);
    await putZip(s3, source, req.zip);
    ledger.set('s3', `${where} uploaded`);
  }
  return codeFields(source, req.zip);
}

/** CreateFunction, waiting out role propagation; a 409 means another deploy created it meanwhile. */
async function retryCreate<T>(fn: () => Promise<T>, policy: RetryPolicy, name: string): Promise<T> {
  try {
    return await withRetry(fn, policy);
  } catch (err) {
    if (errorName(err) === 'ResourceConflictException') {
      throw new SvlError(`function ${name} was created by another deploy while this one ran — run 'svl deploy' again to update it`);
    }
    throw err;
  }
}

async function resolveRole(req: LambdaDeployRequest, report: LambdaDeployReport, ledger: DeployLedger): Promise<string> {
  if (req.roleArn) return req.roleArn;
  const name = executionRoleName(req.desired.name);
  req.progress.step(`looking up execution role ${name}`);
  const found = await findRole(req.clients.iam, name);
  if (found.arn) {
    report.role = { action: 'reuse', name, arn: found.arn };
    await checkRole(req, report, ledger, found);
    return found.arn;
  }
  report.role = { action: 'create', name };
  if (req.dryRun) return '';
  req.progress.step(`creating execution role ${name}`);
  const arn = await createRole(req.clients.iam, name, req.desired.name);
  ledger.set('role', `role ${name} created`);
  report.role.arn = arn;
  return arn;
}

/**
 * Never run as (or change) a role svl did not make, unless --adopt; a half-made one of ours is
 * repaired, one widened to admin-class refused, one carrying more than svl attached named in a
 * warning. A dry run only reads.
 */
async function checkRole(req: LambdaDeployRequest, report: LambdaDeployReport, ledger: DeployLedger, role: RoleLookup): Promise<void> {
  const { repaired, extra } = await ensureUsableRole(req.clients.iam, role, { adopt: req.adopt ?? false, dryRun: req.dryRun });
  if (repaired && !req.dryRun) ledger.set('role', `role ${role.name} repaired (CloudWatch Logs policy attached)`);
  if (extra.length > 0) {
    report.role.extraPolicies = extra;
    req.warn?.(
      `${req.desired.name}: execution role ${role.name} (created by svl) carries more than svl attached: ${extra.join(', ')} — the function may do all of that; detach what it does not need`,
    );
  }
}

/** An existing function that runs as svl's role: the same checks as a reused role. */
async function checkKeptRole(req: LambdaDeployRequest, report: LambdaDeployReport, ledger: DeployLedger, roleArn: string | undefined): Promise<void> {
  const name = executionRoleName(req.desired.name);
  if (!roleArn?.endsWith(`:role/${name}`)) return;
  const found = await findRole(req.clients.iam, name);
  if (found.arn && found.svlMade) await checkRole(req, report, ledger, found);
}

/** Dry run: read the URL, policy and alias state and report what a real run would change. */
async function planRest(req: LambdaDeployRequest, report: LambdaDeployReport, functionArn: string | undefined): Promise<LambdaDeployReport> {
  const aliasFound = req.alias && functionArn ? await aliasExists(req, req.alias) : false;
  if (req.alias) report.alias = { name: req.alias, action: aliasFound ? 'update' : 'create' };
  // A function (or alias) that does not exist yet has no URL and no policy to read.
  const exists = functionArn !== undefined && (!req.alias || aliasFound);
  const { plan, state } = await urlPlanOf(req, exists);
  if (plan) {
    report.functionUrl = plan;
    report.url = state.url;
  }
  req.progress.done('dry run: nothing was changed');
  return report;
}

/** The URL plan for this deploy; no plan when nothing was asked and there is no URL. */
async function urlPlanOf(req: LambdaDeployRequest, exists: boolean): Promise<{ plan?: UrlPlan; state: typeof NO_URL; target: UrlTarget }> {
  const target: UrlTarget = { functionName: req.desired.name, qualifier: req.alias };
  const state = exists ? await readUrlState(req.clients.lambda, target) : NO_URL;
  if (req.functionUrl === undefined && !state.url) return { state, target };
  return { plan: planUrl(req.functionUrl, state, req.alias, req.invokeMode), state, target };
}

/** Makes the function URL match the explicit choice; without one an existing URL stays as it is. */
async function urlStep(req: LambdaDeployRequest, report: LambdaDeployReport, ledger: DeployLedger): Promise<void> {
  const { plan, state, target } = await urlPlanOf(req, true);
  if (!plan) return;
  report.functionUrl = plan;
  report.url = state.url;
  const unchanged = plan.action === 'keep' && plan.permissionsAdded.length + plan.permissionsRemoved.length === 0;
  req.progress.step(`function URL: ${describeUrlPlan(plan, state.url)}`);
  if (unchanged) return;
  report.url = await applyUrlPlan(req.clients.lambda, target, plan, state, (what) => ledger.set(`url:${what}`, what));
}

function configUpdate(desired: DesiredFunction, fields: string[], roleArn?: string): UpdateFunctionConfigurationCommandInput {
  const input: UpdateFunctionConfigurationCommandInput = { FunctionName: desired.name };
  for (const field of fields) {
    if (field === 'Runtime') input.Runtime = desired.runtime;
    if (field === 'Handler') input.Handler = desired.handler;
    if (field === 'MemorySize') input.MemorySize = desired.memory;
    if (field === 'Timeout') input.Timeout = desired.timeout;
    if (field === 'Environment') input.Environment = { Variables: desired.environment };
    if (field === 'Description') input.Description = desired.description;
    if (field === 'Role') input.Role = roleArn;
  }
  return input;
}

async function waitUpdated(req: LambdaDeployRequest): Promise<void> {
  req.progress.step('waiting for the update to finish');
  await waitFor(req, 'updated');
}

async function waitFor(req: LambdaDeployRequest, goal: 'Active' | 'updated'): Promise<void> {
  try {
    await waitForState(req.clients.lambda, req.desired.name, goal);
  } catch (err) {
    if (err instanceof AwsCallError) throw err;
    const fn = await getFunction(req).catch(() => undefined);
    const c = fn?.Configuration;
    if (!c) throw new AwsCallError('lambda:GetFunction', err);
    const reason = c.State === 'Failed' ? c.StateReason : c.LastUpdateStatus === 'Failed' ? c.LastUpdateStatusReason : undefined;
    throw new SvlError(
      `function ${req.desired.name} did not become ${goal} (State ${c.State}, LastUpdateStatus ${c.LastUpdateStatus}${reason ? `: ${reason}` : ''}) — fix the cause and run 'svl deploy' again`,
    );
  }
}

async function aliasExists(req: LambdaDeployRequest, alias: string): Promise<boolean> {
  try {
    await req.clients.lambda.send(new GetAliasCommand({ FunctionName: req.desired.name, Name: alias }));
    return true;
  } catch (err) {
    if (errorName(err) === 'ResourceNotFoundException') return false;
    throw new AwsCallError('lambda:GetAlias', err);
  }
}

async function pointAlias(req: LambdaDeployRequest, alias: string, version: string): Promise<'create' | 'update'> {
  const { lambda } = req.clients;
  const input = { FunctionName: req.desired.name, Name: alias, FunctionVersion: version };
  if (await aliasExists(req, alias)) {
    await awsCall('lambda:UpdateAlias', () => withRetry(() => lambda.send(new UpdateAliasCommand(input)), conflictRetry));
    return 'update';
  }
  await awsCall('lambda:CreateAlias', () => withRetry(() => lambda.send(new CreateAliasCommand(input)), conflictRetry));
  return 'create';
}
