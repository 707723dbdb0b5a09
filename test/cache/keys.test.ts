import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenCacheKey, type TokenCacheKeyFields } from '../../src/token/get-token.js';
import { keyFileName, sourceFingerprint } from '../../src/cache/keys.js';

const base: TokenCacheKeyFields = {
  clusterId: 'prod', region: 'eu-west-1', stsHost: 'sts.eu-west-1.amazonaws.com', signingRegion: 'eu-west-1', partition: 'aws',
  profile: 'default', roleArn: null, externalId: null, sessionName: null, forwardSessionName: false, source: 'abc', stsApiEndpoint: null,
};
const variations: Array<[keyof TokenCacheKeyFields, unknown]> = [
  ['clusterId', 'staging'], ['region', 'eu-west-2'], ['region', null], ['stsHost', 'sts.amazonaws.com'], ['signingRegion', 'us-east-1'],
  ['partition', 'aws-cn'], ['profile', 'prod'], ['roleArn', 'arn:aws:iam::111122223333:role/x'], ['externalId', 'e'],
  ['sessionName', 's'], ['forwardSessionName', true], ['source', 'abd'], ['stsApiEndpoint', 'http://127.0.0.1:1'],
];

for (const [field, value] of variations) {
  test(`token cache key changes with ${field} = ${JSON.stringify(value)}`, () => {
    assert.notEqual(tokenCacheKey({ ...base, [field]: value }), tokenCacheKey(base));
  });
}

test('token cache key is stable and independent of field order', () => {
  const reversed = Object.fromEntries(Object.entries(base).reverse()) as unknown as TokenCacheKeyFields;
  assert.equal(tokenCacheKey(reversed), tokenCacheKey(base));
  assert.equal(JSON.parse(tokenCacheKey(base)).clusterId, 'prod', 'the key is the canonical JSON of its fields');
});

const fp = (env: Record<string, string>, profileNamed = false, profiles: Record<string, Record<string, string>> = {}) =>
  sourceFingerprint({ profiles, profileName: 'default', profileNamed, env });

test('source fingerprint: environment keys by access key ID, never by secret', () => {
  const a = fp({ AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: 's1' });
  assert.equal(fp({ AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: 's2' }), a, 'the secret does not enter the key');
  assert.notEqual(fp({ AWS_ACCESS_KEY_ID: 'AKIA2', AWS_SECRET_ACCESS_KEY: 's1' }), a, 'another key ID is another entry');
  assert.ok(!a.includes('s1'), 'no secret in the key');
});

test('source fingerprint: a named profile wins over environment keys, as in the SDK chain', () => {
  const env = { AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: 's1' };
  const profiles = { default: { aws_access_key_id: 'AKIAP', aws_secret_access_key: 'sp' } };
  assert.notEqual(fp(env, true, profiles), fp(env, false, profiles));
  assert.equal(fp(env, true, profiles), fp({}, true, profiles));
});

test('key file names are short hashes that differ for different keys', () => {
  const names = new Set(variations.map(([field, value]) => keyFileName(tokenCacheKey({ ...base, [field]: value }))));
  assert.equal(names.size, variations.length);
  for (const n of names) assert.match(n, /^[0-9a-f]{16}$/);
});

test('source fingerprint: profile settings and their source_profile chain count, secrets do not', () => {
  const role = (sourceKey: string, secret: string) => ({
    default: { role_arn: 'arn:aws:iam::111122223333:role/r', source_profile: 'base', mfa_serial: 'arn:aws:iam::111122223333:mfa/u' },
    base: { aws_access_key_id: sourceKey, aws_secret_access_key: secret },
  });
  assert.equal(fp({}, true, role('AKIAB', 'x')), fp({}, true, role('AKIAB', 'y')));
  assert.notEqual(fp({}, true, role('AKIAB', 'x')), fp({}, true, role('AKIAC', 'x')));
  const other = role('AKIAB', 'x');
  other.default.role_arn = 'arn:aws:iam::111122223333:role/other';
  assert.notEqual(fp({}, true, other), fp({}, true, role('AKIAB', 'x')));
});
