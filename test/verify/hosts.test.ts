/**
 * The host allow-list per partition, end to end: a correctly signed token naming each host goes
 * through verifyToken; the STS stand-in sees a request for accepted hosts only.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { verifyToken } from '../../src/verify/verify-token.js';
import { presignGetCallerIdentity } from '../../src/token/presign.js';
import { encodeToken } from '../../src/token/token-format.js';
import type { PartitionId } from '../../src/aws/partitions.js';
import { ALICE, startStsStandIn, type StsStandIn } from '../support/sts-stand-in.js';

let sts: StsStandIn;
before(async () => {
  sts = await startStsStandIn();
});
after(() => sts.close());

async function tokenFor(host: string, signingRegion: string): Promise<string> {
  const url = await presignGetCallerIdentity({ credentials: ALICE, clusterId: 'c', endpoint: { host, signingRegion, partition: 'aws' }, signingDate: new Date() });
  return encodeToken(url);
}

const accepted: Array<[PartitionId, string, string, string?]> = [
  ['aws', 'sts.amazonaws.com', 'us-east-1'],
  ['aws', 'sts.us-east-1.amazonaws.com', 'us-east-1'],
  ['aws', 'sts.eu-west-3.amazonaws.com', 'eu-west-3'],
  ['aws', 'sts-fips.us-east-2.amazonaws.com', 'us-east-2'],
  ['aws', 'sts.ap-south-2.api.aws', 'ap-south-2'],
  ['aws', 'sts-fips.ca-central-1.api.aws', 'ca-central-1'],
  ['aws', 'sts.xx-future-7.amazonaws.com', 'xx-future-7'],
  ['aws-cn', 'sts.cn-north-1.amazonaws.com.cn', 'cn-north-1'],
  ['aws-cn', 'sts.cn-northwest-1.api.amazonwebservices.com.cn', 'cn-northwest-1'],
  ['aws-us-gov', 'sts.us-gov-west-1.amazonaws.com', 'us-gov-west-1'],
  ['aws-us-gov', 'sts-fips.us-gov-east-1.api.aws', 'us-gov-east-1'],
  ['aws-iso', 'sts.us-iso-east-1.c2s.ic.gov', 'us-iso-east-1'],
  ['aws-iso-b', 'sts.us-isob-east-1.sc2s.sgov.gov', 'us-isob-east-1'],
  ['aws-iso-e', 'sts.eu-isoe-west-1.cloud.adc-e.uk', 'eu-isoe-west-1'],
  ['aws-iso-f', 'sts.us-isof-south-1.csp.hci.ic.gov', 'us-isof-south-1'],
  ['aws-eusc', 'sts.eusc-de-east-1.amazonaws.eu', 'eusc-de-east-1'],
  // The verifier's own region is always accepted, whatever the table says.
  ['aws-iso', 'sts.us-iso-newregion-9.c2s.ic.gov', 'us-iso-newregion-9', 'us-iso-newregion-9'],
];

const rejected: Array<[PartitionId, string, string]> = [
  ['aws-cn', 'sts.amazonaws.com', 'us-east-1'],
  ['aws-us-gov', 'sts.amazonaws.com', 'us-east-1'],
  ['aws', 'sts.cn-north-1.amazonaws.com.cn', 'cn-north-1'],
  ['aws', 'sts.us-gov-west-1.amazonaws.com', 'us-gov-west-1'],
  ['aws-us-gov', 'sts.us-west-2.amazonaws.com', 'us-west-2'],
  ['aws-cn', 'sts.us-west-2.amazonaws.com.cn', 'us-west-2'],
  ['aws', 'sts.us-iso-east-1.c2s.ic.gov', 'us-iso-east-1'],
  ['aws-iso', 'sts.us-isob-east-1.c2s.ic.gov', 'us-isob-east-1'],
  ['aws-iso', 'sts.us-iso-east-1.api.aws', 'us-iso-east-1'],
  ['aws', 'sts.us-east-1.amazonaws.com.cn', 'us-east-1'],
  ['aws', 'sts.eu-west-1.amazonaws.eu', 'eu-west-1'],
  ['aws', 'sts.-bad-.amazonaws.com', 'us-east-1'],
  ['aws', 'iam.us-east-1.amazonaws.com', 'us-east-1'],
  ['aws', 'sts.us-east-1.amazonaws.co', 'us-east-1'],
  ['aws', 'ec2.amazonaws.com', 'us-east-1'],
  ['aws', 'sts-fips.amazonaws.com', 'us-east-1'],
];

for (const [partition, host, region, ownRegion] of accepted) {
  test(`${partition} accepts ${host}`, async () => {
    const seen = sts.requests.length;
    const identity = await verifyToken(await tokenFor(host, region), { clusterId: 'c', partition, stsEndpointOverride: sts.url, ...(ownRegion ? { region: ownRegion } : {}) });
    assert.equal(identity.stsEndpoint, host);
    assert.equal(identity.arn, ALICE.arn);
    assert.equal(sts.requests.length, seen + 1);
    assert.equal(sts.requests.at(-1)!.host, host, 'the token\'s host travels as the Host header');
  });
}

for (const [partition, host, region] of rejected) {
  test(`${partition} rejects ${host} without a request`, async () => {
    const seen = sts.requests.length;
    await assert.rejects(verifyToken(await tokenFor(host, region), { clusterId: 'c', partition, stsEndpointOverride: sts.url }), (e: any) => e.code === 'TOKEN_MALFORMED' && /is not an STS endpoint/.test(e.message));
    assert.equal(sts.requests.length, seen);
  });
}
