import { partitionById, partitionOfRegion, REGION_LABEL, type PartitionId } from '../aws/partitions.js';
import { GLOBAL_STS_HOST } from '../token/sts-endpoint.js';

/**
 * Whether `host` is an STS endpoint of the verifier's partition (PROTOCOL.md §2, check 5): the
 * global host (aws only), and the regional, FIPS and dual-stack forms for regions of the
 * partition, plus the verifier's own region. A pure allow-list match on the lower-cased name:
 * ports, user-info and IP literals are rejected before this by the caller, and look-alikes
 * (`sts.us-east-1.amazonaws.com.evil.example`, `sts.amazonaws.com.`) do not match.
 */
export function isAllowedStsHost(host: string, partitionId: PartitionId, ownRegion?: string): boolean {
  const partition = partitionById(partitionId);
  if (!partition) return false;
  if (host === GLOBAL_STS_HOST) return partitionId === 'aws';
  const match = /^(?:sts|sts-fips)\.([^.]+)\.(.+)$/.exec(host);
  if (!match) return false;
  const [, region, suffix] = match as unknown as [string, string, string];
  if (suffix !== partition.dnsSuffix && suffix !== partition.dualStackDnsSuffix) return false;
  if (!REGION_LABEL.test(region)) return false;
  if (region === ownRegion) return true;
  // Regions are matched to partitions as the SDK does; in aws, region-shaped names no other
  // partition claims also pass (new regions work before this table knows them, as in the Go tool).
  return partitionOfRegion(region).id === partitionId;
}
