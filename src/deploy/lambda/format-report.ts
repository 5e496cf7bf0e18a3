import type { LambdaDeployReport } from './deploy-lambda.js';

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Human output: the plan for --dry-run, otherwise what was done and where the function is. */
export function formatLambdaReport(r: LambdaDeployReport): string {
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`${label.padEnd(10)}${value}`);
  if (r.dryRun) {
    lines.push(`Plan (dry run, nothing changed): ${r.action} function ${r.functionName} in ${r.region}`);
    row('code', r.code.upload ? `upload ${kib(r.code.bytes)} (${r.code.bytes} bytes)` : 'code unchanged, nothing to upload');
    if (r.action === 'update') row('config', r.changedFields.length > 0 ? `change ${r.changedFields.join(', ')}` : 'unchanged');
    if (r.tagsChanged.length > 0) row('tags', `set ${r.tagsChanged.join(', ')}`);
    if (r.role.action === 'create') row('role', `create ${r.role.name}`);
    else if (r.role.action === 'reuse') row('role', `reuse ${r.role.name}`);
    else if (r.role.arn) row('role', r.role.arn);
    if (r.functionUrl) {
      const perms = r.functionUrl.permissionsAdded;
      row(
        'url',
        `${r.functionUrl.action === 'keep' ? `keep ${r.url}` : `${r.functionUrl.action} (AuthType NONE)`}${perms.length ? `; add permission ${perms.join(', ')}` : ''}`,
      );
    }
    if (r.alias) row('alias', `publish a version; ${r.alias.action} alias ${r.alias.name}`);
    return `${lines.join('\n')}\n`;
  }
  lines.push(`${r.action === 'create' ? 'Created' : 'Updated'} ${r.functionName} in ${r.region}`);
  row('code', r.code.upload ? `uploaded ${kib(r.code.bytes)}` : 'code unchanged (not uploaded)');
  if (r.action === 'update') row('config', r.changedFields.length > 0 ? `changed ${r.changedFields.join(', ')}` : 'unchanged');
  if (r.role.action === 'create') row('role', `created ${r.role.name}`);
  row('function', r.functionArn ?? '');
  row('version', r.alias ? `${r.version} (alias ${r.alias.name})` : (r.version ?? '$LATEST'));
  if (r.url) row('url', r.url);
  return `${lines.join('\n')}\n`;
}
