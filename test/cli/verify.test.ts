import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getToken } from '../../src/token/get-token.js';
import { isolatedEnv, runEksAuth } from '../support/cli.js';
import { BOB_SESSION, startStsStandIn, type StsStandIn } from '../support/sts-stand-in.js';

let sts: StsStandIn;
let token: string;
before(async () => {
  sts = await startStsStandIn();
  token = (await getToken({ clusterId: 'prod', region: 'eu-west-1', credentials: BOB_SESSION, env: { AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' } })).token;
});
after(() => sts.close());

function verifyCli(t: { after(fn: () => void): void }, args: string[], input?: string) {
  const { env, cleanup } = isolatedEnv();
  t.after(cleanup);
  return runEksAuth(['verify', ...args], { env, ...(input !== undefined ? { input } : {}) });
}

test('verify -o json prints the identity with the library\'s field names', async (t) => {
  const r = await verifyCli(t, ['-t', token, '-i', 'prod', '--sts-endpoint-override', sts.url, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(JSON.parse(r.stdout), {
    arn: BOB_SESSION.arn,
    canonicalArn: 'arn:aws:iam::111122223333:role/developer',
    accountId: '111122223333',
    userId: 'AROADEVELOPEREXAMPLE',
    sessionName: 'bob@example.com',
    accessKeyId: BOB_SESSION.accessKeyId,
    stsEndpoint: 'sts.eu-west-1.amazonaws.com',
  });
});

test('verify reads the token from stdin with -t - and prints text by default', async (t) => {
  const r = await verifyCli(t, ['-t', '-', '-i', 'prod', '--sts-endpoint-override', sts.url], `${token}\n`);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^arn: +arn:aws:sts::111122223333:assumed-role\/developer\/bob@example.com$/m);
  assert.match(r.stdout, /^canonicalArn: +arn:aws:iam::111122223333:role\/developer$/m);
});

test('verify: a failed check is exit 1 and one line naming it, without the token', async (t) => {
  const seen = sts.requests.length;
  const r = await verifyCli(t, ['-t', '-', '-i', 'prod', '--sts-endpoint-override', sts.url, '--partition', 'aws-cn'], token);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, 'eks-auth: invalid token: host "sts.eu-west-1.amazonaws.com" is not an STS endpoint of partition aws-cn\n');
  assert.equal(sts.requests.length, seen);
});

test('verify: the wrong cluster is STS\'s answer, on one line', async (t) => {
  const r = await verifyCli(t, ['-t', '-', '-i', 'staging', '--sts-endpoint-override', sts.url], token);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^eks-auth: STS rejected the token \(403 SignatureDoesNotMatch: .*\)\n$/);
  assert.ok(!r.stderr.includes(token.slice(20, 60)));
});

test('verify: throttling says "throttled"', async (t) => {
  sts.setFault('throttle');
  t.after(() => sts.setFault(undefined));
  const r = await verifyCli(t, ['-t', '-', '-i', 'prod', '--sts-endpoint-override', sts.url], token);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^eks-auth: STS throttled the request/);
});

const usage: Array<[string[], RegExp]> = [
  [['-t', 'x'], /a cluster ID is required/],
  [['-i', 'prod'], /a token is required: pass -t <token>, or -t -/],
  [['-t', 'x', '-i', 'prod', '--partition', 'mars'], /unknown partition "mars"/],
  [['-t', 'x', '-i', 'prod', '-o', 'yaml'], /Allowed choices are text, json/],
];
for (const [args, message] of usage) {
  test(`verify usage error: ${args.join(' ')}`, async (t) => {
    const r = await verifyCli(t, args);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.split('\n').length, 2);
    assert.match(r.stderr, message);
  });
}
