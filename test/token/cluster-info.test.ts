import { test } from 'node:test';
import assert from 'node:assert/strict';
import { regionFromEksEndpoint, settingsFromClusterInfo } from '../../src/token/cluster-info.js';

const endpoints: Array<[string, string | undefined]> = [
  ['https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com', 'eu-west-1'],
  ['https://ABC.yl4.us-gov-west-1.eks.amazonaws.com', 'us-gov-west-1'],
  ['https://ABC.sk1.cn-north-1.eks.amazonaws.com.cn', 'cn-north-1'],
  ['https://ABC.gr7.ap-southeast-3.eks.amazonaws.com:443/', 'ap-southeast-3'],
  ['https://kubernetes.example.com', undefined],
  ['https://eu-west-1.eks.amazonaws.com.evil.example', undefined],
  ['not a url', undefined],
];
for (const [server, region] of endpoints) {
  test(`region of ${server}: ${region}`, () => assert.equal(regionFromEksEndpoint(server), region));
}

test('settings from the exec extension, with the region derived from the endpoint when missing', () => {
  assert.deepEqual(settingsFromClusterInfo({ server: 'https://X.gr7.eu-central-1.eks.amazonaws.com', config: { clusterName: 'prod', roleArn: 'arn:aws:iam::111122223333:role/admin' } }), {
    clusterId: 'prod', region: 'eu-central-1', roleArn: 'arn:aws:iam::111122223333:role/admin',
  });
  assert.deepEqual(settingsFromClusterInfo({ server: 'https://X.gr7.eu-central-1.eks.amazonaws.com', config: { clusterId: 'c', region: 'us-east-2', profile: 'p', externalId: 'e', sessionName: 's' } }), {
    clusterId: 'c', region: 'us-east-2', profile: 'p', externalId: 'e', sessionName: 's',
  });
  assert.deepEqual(settingsFromClusterInfo({ server: 'https://k8s.example.com', config: { clusterName: 42 } }), {});
  assert.deepEqual(settingsFromClusterInfo(undefined), {});
});
