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
