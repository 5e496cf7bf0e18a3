import { describe, expect, it } from 'vitest';
import { toSvlError } from '../../src/deploy/lambda/aws-errors.js';

// Error shapes as the AWS SDK v3 throws them (name + $metadata); moto cannot be made to answer
// throttling or 5xx on demand, so these are built by hand.
const awsError = (name: string, message: string, httpStatusCode: number) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });

describe('AWS errors svl has no special case for still name a next step', () => {
  it('throttling says to retry later', () => {
    const e = toSvlError(awsError('TooManyRequestsException', 'Rate exceeded', 429), 'lambda:UpdateFunctionCode', 'https://lambda');
    expect(e.message).toBe(
      'lambda:UpdateFunctionCode failed: TooManyRequestsException: Rate exceeded — AWS is throttling this account; run svl deploy again in a minute',
    );
    expect(e.exitCode).toBe(1);
  });

  it('a 5xx says to run again', () => {
    const e = toSvlError(awsError('ServiceException', 'internal\nstack', 500), 'lambda:CreateFunction', 'https://lambda');
    expect(e.message).toBe('lambda:CreateFunction failed: ServiceException: internal — an AWS-side error; run svl deploy again');
  });

  it('a rejected value points at svl.json and the dry run', () => {
    const e = toSvlError(awsError('InvalidParameterValueException', 'Unsupported runtime', 400), 'lambda:CreateFunction', 'https://lambda');
    expect(e.message).toMatch(/— check the matching field in svl\.json \(svl deploy --dry-run shows what would be sent\)$/);
  });

  it('anything else still names a next step on one line', () => {
    const e = toSvlError(awsError('CodeStorageExceededException', 'Code storage limit exceeded', 400), 'lambda:CreateFunction', 'https://lambda');
    expect(e.message).toMatch(/— fix what AWS names above, then run svl deploy again/);
    expect(e.message).not.toContain('\n');
  });
});

describe('a 403 is a missing permission only when AWS says which', () => {
  it('names the action from both wordings of an IAM denial', () => {
    const perform = awsError('AccessDeniedException', 'User: arn:aws:iam::1:user/d is not authorized to perform: lambda:CreateFunction on resource: x', 403);
    expect(toSvlError(perform, 'lambda:CreateFunction', 'x').message).toMatch(/^AWS denied lambda:CreateFunction — grant lambda:CreateFunction/);
    const allows = awsError('AccessDenied', 'User: u is not authorized because no identity-based policy allows the iam:CreateRole action', 403);
    expect(toSvlError(allows, 'iam:CreateRole', 'x').message).toMatch(/^AWS denied iam:CreateRole — grant iam:CreateRole .* --role <arn>/);
  });

  it('an AccessDenied code without a named action, or an unparsable body, is "AWS refused the request" with the code if any', () => {
    const bare = toSvlError(awsError('AccessDeniedException', 'Access Denied', 403), 'lambda:GetFunction', 'https://lambda.example');
    expect(bare.message).toBe(
      "AWS refused the request (403 AccessDeniedException) during lambda:GetFunction — check the credentials ('aws sts get-caller-identity'), the endpoint (https://lambda.example; --endpoint-url, AWS_ENDPOINT_URL) and that your IAM user or role may call lambda:GetFunction",
    );
    // What the SDK throws for an HTML 403 page and for a JSON body without a code (measured).
    expect(toSvlError(awsError('SyntaxError', "Unexpected token '<'", 403), 'lambda:GetFunction', 'e').message).toMatch(
      /^AWS refused the request \(403\) during/,
    );
    expect(toSvlError(awsError('Unknown', 'nope', 403), 'lambda:GetFunction', 'e').message).toMatch(/^AWS refused the request \(403\) during/);
  });
});

describe('environment values never reach the output', () => {
  it('redacts the values an AWS message quotes, and cuts what follows "String measured:"', async () => {
    const { redactEnvironment } = await import('../../src/deploy/lambda/environment-guard.js');
    const env = { DB_PASSWORD: 'hunter2-secret', API: 'https://api.example.com/v1', SHORT: 'ab' };
    // Lambda's own 4 KB error, as the SDK throws it (built by hand: moto does not enforce the limit).
    const lambda4kb = awsError(
      'InvalidParameterValueException',
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${JSON.stringify(env)}`,
      400,
    );
    const { redactErrorEnvironment } = await import('../../src/deploy/lambda/environment-guard.js');
    redactErrorEnvironment(lambda4kb, env);
    const message = toSvlError(lambda4kb, 'lambda:CreateFunction', 'x').message;
    expect(message).toContain('exceeded the 4KB limit. String measured: <environment withheld>');
    expect(message).not.toContain('hunter2-secret');
    const echoed = redactEnvironment('value https://api.example.com/v1 is not allowed for hunter2-secret; "ab" in fn-ab', env);
    // Short values are withheld where quoted, not inside names such as fn-ab.
    expect(echoed).toBe('value *** is not allowed for ***; "***" in fn-ab');
  });

  it('checks the 4 KB limit locally, naming the largest variables and no value', async () => {
    const { checkEnvironmentSize, secretLookingNames } = await import('../../src/deploy/lambda/environment-guard.js');
    const env = { BLOB: 'v'.repeat(4500), SMALL: 'marker-value-1' };
    expect(() => checkEnvironmentSize('fn', env)).toThrow(
      /^the environment of fn is \d+ bytes, over Lambda's 4 KB limit \(4096, measured as JSON\) — largest: BLOB \(4504 bytes\), SMALL \(19 bytes\);/,
    );
    try {
      checkEnvironmentSize('fn', env);
    } catch (err) {
      expect((err as Error).message).not.toContain('marker-value-1');
      expect((err as Error).message).not.toContain('vvvv');
    }
    expect(() => checkEnvironmentSize('fn', { A: 'v'.repeat(4000) })).not.toThrow();
    expect(secretLookingNames({ DB_PASSWORD: '', GITHUB_TOKEN: '', api_key: '', STAGE: '', AWS_SECRET_ACCESS_KEY: '' })).toEqual([
      'DB_PASSWORD',
      'GITHUB_TOKEN',
      'api_key',
      'AWS_SECRET_ACCESS_KEY',
    ]);
  });
});
