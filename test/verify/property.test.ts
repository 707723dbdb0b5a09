/**
 * Property tests: whatever the token, verifyToken only ever throws its typed errors, and any
 * request it makes goes to an allow-listed STS host of the verifier's partition.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { verifyToken } from '../../src/verify/verify-token.js';
import { isAllowedStsHost } from '../../src/verify/sts-hosts.js';
import { isEksAuthError } from '../../src/errors.js';
import type { StsTransport } from '../../src/verify/sts-client.js';
import type { PartitionId } from '../../src/aws/partitions.js';

const NOW = new Date('2025-03-01T12:00:00Z');
const GOOD =
  'https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256' +
  '&X-Amz-Credential=AKIAEXAMPLE%2F20250301%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20250301T115900Z&X-Amz-Expires=60' +
  '&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=0123456789abcdef';

async function check(token: string, partition: PartitionId): Promise<void> {
  const transport: StsTransport = async (req) => {
    const host = new URL(req.origin).hostname;
    assert.ok(isAllowedStsHost(host, partition), `request sent to ${req.origin}`);
    assert.equal(req.headers.host, host);
    assert.equal(new URL(req.origin).protocol, 'https:');
    assert.ok(req.path.startsWith('/?') || req.path === '/', `path ${req.path}`);
    return { status: 403, body: '{"Error":{"Code":"SignatureDoesNotMatch"}}' };
  };
  try {
    await verifyToken(token, { clusterId: 'c', partition, transport, now: () => NOW });
    assert.fail('a 403 from STS cannot verify');
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    assert.ok(isEksAuthError(err), `threw a non-typed error: ${String(err)}`);
  }
}

const partitions = fc.constantFrom<PartitionId>('aws', 'aws-cn', 'aws-us-gov', 'aws-iso');

test('random strings never escape the typed errors', async () => {
  await fc.assert(fc.asyncProperty(fc.string({ maxLength: 600 }), partitions, (s, p) => check(s, p)), { numRuns: 400 });
  await fc.assert(fc.asyncProperty(fc.string({ maxLength: 600 }), partitions, (s, p) => check(`k8s-aws-v1.${s}`, p)), { numRuns: 400 });
});

test('random URLs behind the prefix never reach a host outside the allow-list', async () => {
  const url = fc.webUrl({ withQueryParameters: true, withFragments: true });
  await fc.assert(fc.asyncProperty(url, partitions, (u, p) => check(`k8s-aws-v1.${Buffer.from(u).toString('base64url')}`, p)), { numRuns: 400 });
});

test('mutated valid tokens never reach a host outside the allow-list', async () => {
  const pieces = ['@', ':', ':443', '/', '.', '..', '#', '?', '&', '=', '%', '%2F', '%40', 'evil.example', '127.0.0.1', '[::1]', '\\', ' ', 'sts.', '.cn', 'A', '\n'];
  const mutation = fc.tuple(fc.nat(GOOD.length), fc.nat(8), fc.constantFrom(...pieces));
  await fc.assert(
    fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), partitions, async (mutations, p) => {
      let url = GOOD;
      for (const [at, remove, insert] of mutations) url = url.slice(0, at) + insert + url.slice(Math.min(url.length, at + remove));
      await check(`k8s-aws-v1.${Buffer.from(url).toString('base64url')}`, p);
    }),
    { numRuns: 1500 },
  );
});
