import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveStsEndpoint, type StsEndpointSettings } from '../../src/token/sts-endpoint.js';

// Each row was checked against `aws eks get-token` (AWS CLI v1, botocore's STS endpoint rules).
const cases: Array<[string, StsEndpointSettings, string, string]> = [
  ['no region → global', {}, 'sts.amazonaws.com', 'us-east-1'],
  ['aws-global pseudo-region → global', { region: 'aws-global' }, 'sts.amazonaws.com', 'us-east-1'],
  ['regional by default', { region: 'us-west-2' }, 'sts.us-west-2.amazonaws.com', 'us-west-2'],
  ['us-east-1 is regional by default too', { region: 'us-east-1' }, 'sts.us-east-1.amazonaws.com', 'us-east-1'],
  ['legacy + legacy region → global', { region: 'eu-west-1', stsRegionalEndpoints: 'legacy' }, 'sts.amazonaws.com', 'us-east-1'],
  ['legacy + newer region stays regional', { region: 'ap-east-1', stsRegionalEndpoints: 'legacy' }, 'sts.ap-east-1.amazonaws.com', 'ap-east-1'],
  ['legacy + China stays regional', { region: 'cn-north-1', stsRegionalEndpoints: 'legacy' }, 'sts.cn-north-1.amazonaws.com.cn', 'cn-north-1'],
  ['legacy + FIPS → regional FIPS', { region: 'us-east-1', stsRegionalEndpoints: 'legacy', useFips: true }, 'sts-fips.us-east-1.amazonaws.com', 'us-east-1'],
  ['China', { region: 'cn-northwest-1' }, 'sts.cn-northwest-1.amazonaws.com.cn', 'cn-northwest-1'],
  ['GovCloud', { region: 'us-gov-west-1' }, 'sts.us-gov-west-1.amazonaws.com', 'us-gov-west-1'],
  ['GovCloud FIPS is the plain host', { region: 'us-gov-east-1', useFips: true }, 'sts.us-gov-east-1.amazonaws.com', 'us-gov-east-1'],
  ['GovCloud dual-stack', { region: 'us-gov-west-1', useDualstack: true }, 'sts.us-gov-west-1.api.aws', 'us-gov-west-1'],
  ['GovCloud dual-stack FIPS', { region: 'us-gov-west-1', useDualstack: true, useFips: true }, 'sts-fips.us-gov-west-1.api.aws', 'us-gov-west-1'],
  ['FIPS', { region: 'us-west-2', useFips: true }, 'sts-fips.us-west-2.amazonaws.com', 'us-west-2'],
  ['dual-stack', { region: 'us-west-2', useDualstack: true }, 'sts.us-west-2.api.aws', 'us-west-2'],
  ['dual-stack FIPS', { region: 'us-west-2', useDualstack: true, useFips: true }, 'sts-fips.us-west-2.api.aws', 'us-west-2'],
  ['China dual-stack', { region: 'cn-north-1', useDualstack: true }, 'sts.cn-north-1.api.amazonwebservices.com.cn', 'cn-north-1'],
  ['ISO', { region: 'us-iso-east-1' }, 'sts.us-iso-east-1.c2s.ic.gov', 'us-iso-east-1'],
  ['ISO-B', { region: 'us-isob-east-1' }, 'sts.us-isob-east-1.sc2s.sgov.gov', 'us-isob-east-1'],
  ['ISO-E', { region: 'eu-isoe-west-1' }, 'sts.eu-isoe-west-1.cloud.adc-e.uk', 'eu-isoe-west-1'],
  ['ISO-F', { region: 'us-isof-south-1' }, 'sts.us-isof-south-1.csp.hci.ic.gov', 'us-isof-south-1'],
  ['EU sovereign cloud', { region: 'eusc-de-east-1' }, 'sts.eusc-de-east-1.amazonaws.eu', 'eusc-de-east-1'],
  ['unknown region-shaped name → aws partition', { region: 'xx-new-1' }, 'sts.xx-new-1.amazonaws.com', 'xx-new-1'],
];

for (const [name, settings, host, signingRegion] of cases) {
  test(`STS host: ${name}`, () => {
    const endpoint = resolveStsEndpoint(settings);
    assert.equal(endpoint.host, host);
    assert.equal(endpoint.signingRegion, signingRegion);
  });
}

const failures: Array<[string, StsEndpointSettings, RegExp]> = [
  ['FIPS without a region (botocore would invent sts-fips.aws-global…)', { useFips: true }, /FIPS STS endpoints are regional/],
  ['dual-stack without a region', { useDualstack: true }, /dual-stack STS endpoints are regional/],
  ['dual-stack in a partition without it', { region: 'us-iso-east-1', useDualstack: true }, /no dual-stack/],
  ['a region that is not a DNS label', { region: 'evil.com/x' }, /not a valid AWS region/],
  ['a region with a port', { region: 'us-east-1:443' }, /not a valid AWS region/],
];
for (const [name, settings, message] of failures) {
  test(`STS host refused: ${name}`, () => {
    assert.throws(() => resolveStsEndpoint(settings), (err: any) => err.code === 'INVALID_REGION' && message.test(err.message));
  });
}
