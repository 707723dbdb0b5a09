/**
 * Every format check of PROTOCOL.md §2 with a token that fails it: the error code and the message
 * naming the check, and not a single request reaching the STS stand-in.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { verifyToken } from '../../src/verify/verify-token.js';
import { startStsStandIn, type StsStandIn } from '../support/sts-stand-in.js';

let sts: StsStandIn;
before(async () => {
  sts = await startStsStandIn();
});
after(() => sts.close());

const NOW = new Date('2025-03-01T12:00:00Z');
const DATE = '20250301T115900Z';
const b64 = (s: string) => Buffer.from(s).toString('base64url');
const token = (url: string) => `k8s-aws-v1.${b64(url)}`;
const query = (extra = '') =>
  `Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20250301%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=${DATE}&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=abc${extra}`;
const good = `https://sts.us-east-1.amazonaws.com/?${query()}`;

const cases: Array<[string, string, string, RegExp]> = [
  ['1 length', 'k8s-aws-v1.' + 'A'.repeat(4086), 'TOKEN_MALFORMED', /longer than 4096 bytes/],
  ['2 prefix', 'k8s-aws-v2.' + b64(good), 'TOKEN_MALFORMED', /does not start with "k8s-aws-v1."/],
  ['2 prefix case', 'K8S-AWS-V1.' + b64(good), 'TOKEN_MALFORMED', /does not start with/],
  ['3 padding', token(good) + '=', 'TOKEN_MALFORMED', /not base64url without padding/],
  ['3 standard alphabet +', 'k8s-aws-v1.' + Buffer.from(good).toString('base64').replace(/=+$/, '') + '+/', 'TOKEN_MALFORMED', /not base64url/],
  ['3 impossible length', 'k8s-aws-v1.' + b64(good).slice(0, 4 * 20 + 1), 'TOKEN_MALFORMED', /impossible length/],
  ['3 whitespace', 'k8s-aws-v1. ' + b64(good), 'TOKEN_MALFORMED', /not base64url/],
  ['4 not a URL', token('not a url at all'), 'TOKEN_MALFORMED', /not printable ASCII|not a URL/],
  ['4 not a URL (no spaces)', token('sts.amazonaws.com/?Action=GetCallerIdentity'), 'TOKEN_MALFORMED', /not a URL/],
  ['4 http', token(good.replace('https:', 'http:')), 'TOKEN_MALFORMED', /scheme must be https, not http/],
  ['4 control characters', token(good + '\r\nX-Injected: 1'), 'TOKEN_MALFORMED', /not printable ASCII/],
  ['5 other host', token(good.replace('sts.us-east-1.amazonaws.com', 'example.com')), 'TOKEN_MALFORMED', /host "example.com" is not an STS endpoint of partition aws/],
  ['5 look-alike suffix', token(good.replace('amazonaws.com', 'amazonaws.com.evil.example')), 'TOKEN_MALFORMED', /is not an STS endpoint/],
  ['5 trailing dot', token(good.replace('amazonaws.com/', 'amazonaws.com./')), 'TOKEN_MALFORMED', /is not an STS endpoint/],
  ['5 port', token(good.replace('amazonaws.com/', 'amazonaws.com:8443/')), 'TOKEN_MALFORMED', /names a port \(8443\)/],
  ['5 default port spelled out', token(good.replace('amazonaws.com/', 'amazonaws.com:443/')), 'TOKEN_MALFORMED', /names a port \(443\)/],
  ['5 empty port', token(good.replace('amazonaws.com/', 'amazonaws.com:/')), 'TOKEN_MALFORMED', /names a port \(empty\)/],
  ['5 upper-case host', token(good.replace('sts.us-east-1', 'STS.us-east-1')), 'TOKEN_MALFORMED', /host "STS.us-east-1.amazonaws.com" is not an STS endpoint/],
  ['5 percent-encoded host', token(good.replace('sts.us-east-1', 'sts%2Eus-east-1')), 'TOKEN_MALFORMED', /is not an STS endpoint/],
  ['5 user info', token(good.replace('https://', 'https://sts.us-east-1.amazonaws.com@')), 'TOKEN_MALFORMED', /user info/],
  ['5 user info to an attacker', token(good.replace('https://sts.us-east-1.amazonaws.com', 'https://sts.us-east-1.amazonaws.com:x@evil.example')), 'TOKEN_MALFORMED', /user info/],
  ['5 IPv4 literal', token(good.replace('sts.us-east-1.amazonaws.com', '127.0.0.1')), 'TOKEN_MALFORMED', /host "127.0.0.1" is not an STS endpoint/],
  ['5 IPv6 literal', token(good.replace('sts.us-east-1.amazonaws.com', '[::1]')), 'TOKEN_MALFORMED', /is not an STS endpoint/],
  ['5 other partition', token(good.replace('sts.us-east-1.amazonaws.com', 'sts.cn-north-1.amazonaws.com.cn')), 'TOKEN_MALFORMED', /not an STS endpoint of partition aws/],
  ['5 GovCloud region on the aws suffix', token(good.replace('us-east-1', 'us-gov-west-1')), 'TOKEN_MALFORMED', /not an STS endpoint of partition aws/],
  ['5 subdomain', token(good.replace('sts.us-east-1', 'x.sts.us-east-1')), 'TOKEN_MALFORMED', /not an STS endpoint/],
  ['6 path', token(good.replace('.com/?', '.com/x?')), 'TOKEN_MALFORMED', /path must be "\/", not "\/x"/],
  ['6 dot segments', token(good.replace('.com/?', '.com/a/..?')), 'TOKEN_MALFORMED', /path must be "\/", not "\/a\/.."/],
  ['6 no path', token(good.replace('.com/?', '.com?')), 'TOKEN_MALFORMED', /path must be "\/", not ""/],
  ['6 fragment', token(good + '#frag'), 'TOKEN_MALFORMED', /fragment/],
  ['7 unknown key', token(good + '&X-Amz-Foo=1'), 'TOKEN_MALFORMED', /query parameter "x-amz-foo" is not allowed/],
  ['7 duplicate key', token(good + '&Action=GetCallerIdentity'), 'TOKEN_MALFORMED', /"action" appears more than once/],
  ['7 duplicate in another spelling', token(good + '&action=GetCallerIdentity'), 'TOKEN_MALFORMED', /"action" appears more than once/],
  ['7 broken escape', token(good + '&Version=%zz'), 'TOKEN_MALFORMED', /percent-encoding/],
  ['8 other action', token(good.replace('Action=GetCallerIdentity', 'Action=AssumeRole')), 'TOKEN_MALFORMED', /Action must be GetCallerIdentity/],
  ['8 action case', token(good.replace('Action=GetCallerIdentity', 'Action=getcalleridentity')), 'TOKEN_MALFORMED', /Action must be GetCallerIdentity/],
  ['8 no action', token(good.replace('Action=GetCallerIdentity&', '')), 'TOKEN_MALFORMED', /Action must be GetCallerIdentity/],
  ['9 header not signed', token(good.replace('host%3Bx-k8s-aws-id', 'host')), 'TOKEN_MALFORMED', /SignedHeaders does not include x-k8s-aws-id/],
  ['9 prefix look-alike', token(good.replace('host%3Bx-k8s-aws-id', 'host%3Bx-k8s-aws-idx')), 'TOKEN_MALFORMED', /does not include x-k8s-aws-id/],
  ['10 expires too large', token(good.replace('X-Amz-Expires=60', 'X-Amz-Expires=901')), 'TOKEN_MALFORMED', /X-Amz-Expires must be an integer from 0 to 900/],
  ['10 expires negative', token(good.replace('X-Amz-Expires=60', 'X-Amz-Expires=-1')), 'TOKEN_MALFORMED', /X-Amz-Expires/],
  ['10 expires not a number', token(good.replace('X-Amz-Expires=60', 'X-Amz-Expires=6e1')), 'TOKEN_MALFORMED', /X-Amz-Expires/],
  ['10 expires missing', token(good.replace('&X-Amz-Expires=60', '')), 'TOKEN_MALFORMED', /X-Amz-Expires/],
  ['11 date missing', token(good.replace(`&X-Amz-Date=${DATE}`, '')), 'TOKEN_MALFORMED', /X-Amz-Date is missing/],
  ['11 date format', token(good.replace(DATE, '2025-03-01T11:59:00Z')), 'TOKEN_MALFORMED', /not YYYYMMDDTHHMMSSZ/],
  ['11 too old', token(good.replace(DATE, '20250301T114459Z')), 'TOKEN_EXPIRED', /expired \(signed 2025-03-01T11:44:59.000Z/],
];

for (const [name, tok, code, message] of cases) {
  test(`check ${name}: rejected before any network I/O`, async () => {
    const seen = sts.requests.length;
    await assert.rejects(
      verifyToken(tok, { clusterId: 'c', stsEndpointOverride: sts.url, now: () => NOW }),
      (e: any) => {
        assert.equal(e.code, code, e.message);
        assert.match(e.message, message);
        return true;
      },
    );
    assert.equal(sts.requests.length, seen, 'the STS stand-in saw no request');
  });
}

test('the well-formed control token does reach STS (the checks above are not vacuous)', async () => {
  const seen = sts.requests.length;
  await assert.rejects(verifyToken(token(good), { clusterId: 'c', stsEndpointOverride: sts.url, now: () => NOW }), (e: any) => e.code === 'STS_REJECTED');
  assert.equal(sts.requests.length, seen + 1);
  assert.equal(sts.requests.at(-1)!.host, 'sts.us-east-1.amazonaws.com');
});

test('a token exactly 15 minutes old is still accepted by the format checks', async () => {
  const seen = sts.requests.length;
  const fifteen = token(good.replace(DATE, '20250301T114500Z'));
  await assert.rejects(verifyToken(fifteen, { clusterId: 'c', stsEndpointOverride: sts.url, now: () => NOW }), (e: any) => e.code === 'STS_REJECTED');
  assert.equal(sts.requests.length, seen + 1);
});
