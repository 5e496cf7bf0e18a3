import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import { SvlError } from '../../core/errors.js';
import { toSvlError } from './aws-errors.js';

export interface AwsTarget {
  /** --region; otherwise the SDK chain (AWS_REGION, profile), then svl.json's region. */
  region?: string;
  configRegion?: string;
  profile?: string;
  /** --endpoint-url; AWS_ENDPOINT_URL is read by the SDK itself. */
  endpointUrl?: string;
  env: Record<string, string | undefined>;
}

export interface AwsClients {
  lambda: LambdaClient;
  iam: IAMClient;
  /** Made on first use (only --s3-bucket deploys need it). */
  s3(): Promise<S3Client>;
  region: string;
  /** For error messages: where requests go. */
  endpoint: string;
  /** Destroys every client made. */
  destroy(): void;
}

// A connection that cannot open fails in seconds instead of the OS default of minutes.
const REQUEST_HANDLER = { connectionTimeout: 5_000, requestTimeout: 120_000 };

async function sdkRegion(profile: string | undefined): Promise<string | undefined> {
  const probe = new LambdaClient({ profile });
  try {
    return await probe.config.region();
  } catch {
    return undefined;
  } finally {
    probe.destroy();
  }
}

/**
 * Resolves region and credentials up front (flags > environment/profile > svl.json) so a missing
 * one is reported before anything is built or touched.
 */
export async function createAwsClients(target: AwsTarget): Promise<AwsClients> {
  // The SDK warns on Node < 22 about its releases after January 2027; svl's engines already ask for
  // Node >= 22.12 (README "Node versions"), so the warning would only repeat that in every deploy.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const region = target.region ?? (await sdkRegion(target.profile)) ?? target.configRegion;
  if (!region) {
    throw new SvlError('no AWS region — pass --region, set AWS_REGION (or a region in your AWS profile), or add "region" to svl.json');
  }
  const endpoint = target.endpointUrl ?? target.env.AWS_ENDPOINT_URL_LAMBDA ?? target.env.AWS_ENDPOINT_URL ?? `https://lambda.${region}.amazonaws.com`;
  const common = {
    region,
    profile: target.profile,
    requestHandler: REQUEST_HANDLER,
    ...(target.endpointUrl ? { endpoint: target.endpointUrl } : {}),
  };
  const lambda = new LambdaClient(common);
  const iam = new IAMClient(common);
  try {
    await lambda.config.credentials();
  } catch (err) {
    lambda.destroy();
    iam.destroy();
    if (target.profile) {
      throw new SvlError(
        `no AWS credentials for profile ${target.profile} — check the name ('aws configure list-profiles'), run 'aws sso login --profile ${target.profile}', or 'aws configure --profile ${target.profile}'`,
      );
    }
    throw toSvlError(err, 'loading credentials', endpoint);
  }
  let s3: Promise<S3Client> | undefined;
  // A local endpoint (moto, LocalStack) serves buckets by path, not as <bucket>.<host>.
  const custom = Boolean(target.endpointUrl ?? target.env.AWS_ENDPOINT_URL_S3 ?? target.env.AWS_ENDPOINT_URL);
  return {
    lambda,
    iam,
    region,
    endpoint,
    s3: () => {
      s3 ??= import('@aws-sdk/client-s3').then(({ S3Client }) => new S3Client({ ...common, forcePathStyle: custom }));
      return s3;
    },
    destroy() {
      lambda.destroy();
      iam.destroy();
      void s3?.then((c) => c.destroy());
    },
  };
}
