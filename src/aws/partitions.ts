/**
 * AWS partitions as far as STS hosts are concerned (PROTOCOL.md §1 and §2). Shared by the token
 * generator (which host to sign for) and the verifier (which hosts a token may name).
 */
export type PartitionId =
  | 'aws'
  | 'aws-cn'
  | 'aws-us-gov'
  | 'aws-iso'
  | 'aws-iso-b'
  | 'aws-iso-e'
  | 'aws-iso-f'
  | 'aws-eusc';

export interface Partition {
  readonly id: PartitionId;
  /** DNS suffix of regional endpoints: sts.<region>.<dnsSuffix>. */
  readonly dnsSuffix: string;
  /** DNS suffix of dual-stack endpoints, where the partition has them. */
  readonly dualStackDnsSuffix?: string;
  /** Region names that belong to this partition, besides those matching regionPattern. */
  readonly regionPattern: RegExp;
}

// Region patterns are the ones the AWS SDK's partitions.json uses; aws is the fallback for
// region-shaped names no other partition claims (PROTOCOL.md §2: the Go tool allows those too).
export const PARTITIONS: readonly Partition[] = [
  { id: 'aws-cn', dnsSuffix: 'amazonaws.com.cn', dualStackDnsSuffix: 'api.amazonwebservices.com.cn', regionPattern: /^cn-\w+-\d+$/ },
  { id: 'aws-us-gov', dnsSuffix: 'amazonaws.com', dualStackDnsSuffix: 'api.aws', regionPattern: /^us-gov-\w+-\d+$/ },
  { id: 'aws-iso', dnsSuffix: 'c2s.ic.gov', regionPattern: /^us-iso-\w+-\d+$/ },
  { id: 'aws-iso-b', dnsSuffix: 'sc2s.sgov.gov', regionPattern: /^us-isob-\w+-\d+$/ },
  { id: 'aws-iso-e', dnsSuffix: 'cloud.adc-e.uk', regionPattern: /^eu-isoe-\w+-\d+$/ },
  { id: 'aws-iso-f', dnsSuffix: 'csp.hci.ic.gov', regionPattern: /^us-isof-\w+-\d+$/ },
  { id: 'aws-eusc', dnsSuffix: 'amazonaws.eu', regionPattern: /^eusc-(de)-\w+-\d+$/ },
  { id: 'aws', dnsSuffix: 'amazonaws.com', dualStackDnsSuffix: 'api.aws', regionPattern: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/ },
];

export const PARTITION_IDS: readonly PartitionId[] = PARTITIONS.map((p) => p.id);

/** A DNS label usable as a region in a host name (PROTOCOL.md §2). */
export const REGION_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/;

export function partitionById(id: string): Partition | undefined {
  return PARTITIONS.find((p) => p.id === id);
}

/**
 * The partition a region belongs to. Unknown but region-shaped names fall back to `aws`, as the
 * SDKs do, so a brand-new region works before this table learns about it.
 */
export function partitionOfRegion(region: string): Partition {
  return PARTITIONS.find((p) => p.regionPattern.test(region)) ?? PARTITIONS[PARTITIONS.length - 1]!;
}
