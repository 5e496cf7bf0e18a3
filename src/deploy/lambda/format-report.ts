import type { LambdaDeployReport } from './deploy-lambda.js';
import { describeUrlPlan } from './function-url.js';

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Human output: the plan for --dry-run, otherwise what was done and where the function is. */
export function formatLambdaReport(r: LambdaDeployReport): string {
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`${label.padEnd(10)}${value}`);
  if (r.dryRun) {
    lines.push(`Plan (dry run, nothing changed): ${r.action} function ${r.functionName} in ${r.region}`);
    row('code', r.code.upload ? `upload ${kib(r.code.bytes)} (${r.code.bytes} bytes)${viaS3(r, 'plan')}` : 'code unchanged, nothing to upload');
    if (r.action === 'update') row('config', r.changedFields.length > 0 ? `change ${r.changedFields.join(', ')}` : 'unchanged');
    if (r.tagsChanged.length > 0) row('tags', `set ${r.tagsChanged.join(', ')}`);
    if (r.role.action === 'create') row('role', `create ${r.role.name}`);
    else if (r.role.action === 'reuse') row('role', `reuse ${r.role.name}`);
    else if (r.role.arn) row('role', r.role.arn);
    if (r.alias) row('alias', `publish a version; ${r.alias.action} alias ${r.alias.name}`);
    if (r.functionUrl) row('url', describeUrlPlan(r.functionUrl, r.url));
    return `${lines.join('\n')}\n`;
  }
  lines.push(`${r.action === 'create' ? 'Created' : 'Updated'} ${r.functionName} in ${r.region}`);
  row('code', r.code.upload ? `uploaded ${kib(r.code.bytes)}${viaS3(r, 'done')}` : 'code unchanged (not uploaded)');
  if (r.action === 'update') row('config', r.changedFields.length > 0 ? `changed ${r.changedFields.join(', ')}` : 'unchanged');
  if (r.role.action === 'create') row('role', `created ${r.role.name}`);
  row('function', r.functionArn ?? '');
  row('version', r.alias ? `${r.version} (alias ${r.alias.name})` : (r.version ?? '$LATEST'));
  if (r.functionUrl) row('url', urlDone(r));
  return `${lines.join('\n')}\n`;
}

/** After a real run: the URL and its AuthType, or what became of it. */
function urlDone(r: LambdaDeployReport): string {
  const plan = r.functionUrl!;
  const on = plan.qualifier ? ` (alias ${plan.qualifier})` : '';
  if (plan.action === 'delete') return `deleted${on}`;
  if (!r.url) return `none${on}`;
  const change = plan.previousAuthType ? `, was ${plan.previousAuthType}` : '';
  return `${r.url}${on} AuthType ${plan.authType}${change}${plan.choice ? '' : ' (kept as it is)'}`;
}

/** How the code goes through S3 (--s3-bucket): put there now, or already there from an earlier deploy. */
function viaS3(r: LambdaDeployReport, when: 'plan' | 'done'): string {
  const s3 = r.code.s3;
  if (!s3) return '';
  const where = `s3://${s3.bucket}/${s3.key}`;
  if (when === 'plan') return s3.uploaded ? ` via ${where}` : ` from ${where} (already there)`;
  return s3.uploaded ? ` via ${where}` : ` from ${where} (already there, not uploaded again)`;
}
