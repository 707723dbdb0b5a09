import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { presignGetCallerIdentity, rfc3986Encode, serializeQuery } from '../../src/token/presign.js';
import { decodeToken, encodeToken, TOKEN_PREFIX } from '../../src/token/token-format.js';
import { resolveStsEndpoint } from '../../src/token/sts-endpoint.js';

test('golden vector from PROTOCOL.md (aws-iam-authenticator\'s own test)', async () => {
  const url = await presignGetCallerIdentity({
    credentials: { accessKeyId: 'ASIAR2TG44V6AS3ZZE7C', secretAccessKey: '4KD5cntGcVmLWRdF5wvNRuzNL5Qxmp6OKVY6Fz/Q' },
    clusterId: 'test-cluster',
    endpoint: resolveStsEndpoint({ region: 'us-west-2' }),
    signingDate: new Date('2023-04-28T00:00:00Z'),
  });
  assert.equal(
    url,
    'https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256' +
      '&X-Amz-Credential=ASIAR2TG44V6AS3ZZE7C%2F20230428%2Fus-west-2%2Fsts%2Faws4_request&X-Amz-Date=20230428T000000Z' +
      '&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id' +
      '&X-Amz-Signature=e211dba77aba9dc44b0b6be38b8eaad092599c5157f6314444c5b9d85747f5ce',
  );
});

test('a session token goes after SignedHeaders, percent-encoded, and the cluster ID never in the query', async () => {
  const url = await presignGetCallerIdentity({
    credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 's', sessionToken: 'a/b+c=d e' },
    clusterId: 'secret-cluster-name',
    endpoint: resolveStsEndpoint({}),
    signingDate: new Date('2024-01-02T03:04:05Z'),
  });
  const keys = new URL(url).search.slice(1).split('&').map((kv) => kv.split('=')[0]);
  assert.deepEqual(keys, ['Action', 'Version', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Security-Token', 'X-Amz-Signature']);
  assert.match(url, /&X-Amz-Security-Token=a%2Fb%2Bc%3Dd%20e&/);
  assert.match(url, /X-Amz-Credential=ASIAEXAMPLE%2F20240102%2Fus-east-1%2Fsts%2Faws4_request/);
  assert.ok(!url.includes('secret-cluster-name'));
});

test('RFC 3986 encoding keeps only unreserved characters', () => {
  assert.equal(rfc3986Encode("a-_.~ !'()*/+=:;"), 'a-_.~%20%21%27%28%29%2A%2F%2B%3D%3A%3B');
  assert.equal(serializeQuery({ Zeta: '1', Action: 'x', Alpha: '2' }), 'Action=x&Alpha=2&Zeta=1');
});

test('tokens are base64url without padding, and decode back to the URL (property)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (url) => {
      const token = encodeToken(url);
      assert.ok(token.startsWith(TOKEN_PREFIX));
      assert.match(token.slice(TOKEN_PREFIX.length), /^[A-Za-z0-9_-]*$/);
      assert.equal(decodeToken(token), url);
    }),
  );
});
