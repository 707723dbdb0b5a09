import { EksAuthError } from '../errors.js';
import { partitionOfRegion, REGION_LABEL, type PartitionId } from '../aws/partitions.js';

/** The global STS endpoint and the region it signs for. */
export const GLOBAL_STS_HOST = 'sts.amazonaws.com';
export const GLOBAL_SIGNING_REGION = 'us-east-1';

/**
 * Regions that `AWS_STS_REGIONAL_ENDPOINTS=legacy` sends to the global endpoint (the set botocore
 * and the SDKs call "legacy global regions"). Other regions stay regional even in legacy mode.
 */
export const LEGACY_GLOBAL_REGIONS: ReadonlySet<string> = new Set([
  'ap-northeast-1', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ca-central-1',
  'eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'sa-east-1',
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
]);

export interface StsEndpointSettings {
  /** Resolved region, or undefined when none is configured anywhere. */
  region?: string | undefined;
  /** `regional` (default) or `legacy` (AWS_STS_REGIONAL_ENDPOINTS / sts_regional_endpoints). */
  stsRegionalEndpoints?: 'regional' | 'legacy' | undefined;
  useFips?: boolean | undefined;
  useDualstack?: boolean | undefined;
}

export interface StsEndpoint {
  /** Host name the token names and the signature covers. */
  host: string;
  /** Region in the credential scope. */
  signingRegion: string;
  partition: PartitionId;
}

/**
 * Which STS host a token is signed for, exactly as the AWS CLI (botocore's endpoint rules for STS)
 * picks it, so tokens are byte-identical to `aws eks get-token`'s. Pure: all inputs are resolved
 * by the caller. Never probes instance metadata for a region.
 */
export function resolveStsEndpoint(settings: StsEndpointSettings): StsEndpoint {
  const { stsRegionalEndpoints = 'regional', useFips = false, useDualstack = false } = settings;
  const region = settings.region === 'aws-global' ? undefined : settings.region;

  if (region === undefined) {
    if (useFips || useDualstack) {
      // botocore builds the nonsense host sts-fips.aws-global.amazonaws.com here; fail instead.
      throw new EksAuthError(
        'INVALID_REGION',
        `${useFips ? 'FIPS' : 'dual-stack'} STS endpoints are regional: pass --region or set AWS_REGION`,
      );
    }
    return { host: GLOBAL_STS_HOST, signingRegion: GLOBAL_SIGNING_REGION, partition: 'aws' };
  }
  if (!REGION_LABEL.test(region)) {
    throw new EksAuthError('INVALID_REGION', `"${region}" is not a valid AWS region name (check --region, AWS_REGION or the profile's region)`);
  }

  const partition = partitionOfRegion(region);
  if (stsRegionalEndpoints === 'legacy' && !useFips && !useDualstack && LEGACY_GLOBAL_REGIONS.has(region)) {
    return { host: GLOBAL_STS_HOST, signingRegion: GLOBAL_SIGNING_REGION, partition: 'aws' };
  }

  let suffix = partition.dnsSuffix;
  if (useDualstack) {
    if (!partition.dualStackDnsSuffix) {
      throw new EksAuthError('INVALID_REGION', `partition ${partition.id} (region ${region}) has no dual-stack STS endpoint: unset AWS_USE_DUALSTACK_ENDPOINT`);
    }
    suffix = partition.dualStackDnsSuffix;
  }
  // In GovCloud the plain regional endpoint is already FIPS-validated; only dual-stack has a
  // separate sts-fips name there.
  const fipsLabel = useFips && !(partition.id === 'aws-us-gov' && !useDualstack);
  return { host: `${fipsLabel ? 'sts-fips' : 'sts'}.${region}.${suffix}`, signingRegion: region, partition: partition.id };
}
