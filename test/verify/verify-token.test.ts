/**
 * Round trips through the SigV4-checking STS stand-in, and STS misbehaving.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { verifyToken } from '../../src/verify/verify-token.js';
import { getToken } from '../../src/token/get-token.js';
import { ADMIN_ROLE, ALICE, BOB_SESSION, startStsStandIn, type StandInFault, type StsStandIn } from '../support/sts-stand-in.js';
import { EKS_AUTH, isolatedEnv, requireTool, run } from '../support/cli.js';

let sts: StsStandIn;
before(async () => {
  sts = await startStsStandIn();
});
after(() => sts.close());

const env = { AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
const verify = (token: string, clusterId = 'prod', extra: object = {}) => verifyToken(token, { clusterId, stsEndpointOverride: sts.url, ...extra });

test('a token from `eks-auth token` verifies to its IAM user', async (t) => {
  const ctx = isolatedEnv({ AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey });
  t.after(ctx.cleanup);
  const r = await run(EKS_AUTH, ['token', '-i', 'prod', '--region', 'ap-northeast-1', '--token-only'], { env: ctx.env });
  assert.equal(r.code, 0, r.stderr);
  const identity = await verify(r.stdout.trim());
  assert.deepEqual(identity, {
    arn: ALICE.arn,
    canonicalArn: ALICE.arn,
    accountId: '111122223333',
    userId: ALICE.userId,
    sessionName: '',
    accessKeyId: ALICE.accessKeyId,
    stsEndpoint: 'sts.ap-northeast-1.amazonaws.com',
  });
  assert.equal(sts.requests.at(-1)!.clusterIdHeader, 'prod');
});

test('a token from the real `aws eks get-token` verifies too', async (t) => {
  if (!requireTool(t, 'aws', 'pip install awscli')) return;
  const ctx = isolatedEnv({ AWS_ACCESS_KEY_ID: BOB_SESSION.accessKeyId, AWS_SECRET_ACCESS_KEY: BOB_SESSION.secretAccessKey, AWS_SESSION_TOKEN: BOB_SESSION.sessionToken! });
  t.after(ctx.cleanup);
  const r = await run('aws', ['eks', 'get-token', '--cluster-name', 'prod', '--region', 'us-west-2'], { env: ctx.env });
  assert.equal(r.code, 0, r.stderr);
  const identity = await verify(JSON.parse(r.stdout).status.token);
  assert.equal(identity.arn, BOB_SESSION.arn);
  assert.equal(identity.canonicalArn, 'arn:aws:iam::111122223333:role/developer');
  assert.equal(identity.userId, 'AROADEVELOPEREXAMPLE');
  assert.equal(identity.sessionName, 'bob@example.com');
});

test('a token for cluster A presented to cluster B is refused by STS', async () => {
  const { token } = await getToken({ clusterId: 'cluster-a', credentials: ALICE, env });
  await assert.rejects(verify(token, 'cluster-b'), (e: any) => e.code === 'STS_REJECTED' && /SignatureDoesNotMatch/.test(e.message));
});

test('a token signed 16 minutes ago fails without a request', async () => {
  const { token } = await getToken({ clusterId: 'prod', credentials: ALICE, env, now: () => new Date(Date.now() - 16 * 60_000) });
  const seen = sts.requests.length;
  await assert.rejects(verify(token), (e: any) => e.code === 'TOKEN_EXPIRED');
  assert.equal(sts.requests.length, seen);
});

test('an assumed-role token (eks-auth token -r) yields the role\'s canonical ARN (path dropped, as STS does) and the session', async (t) => {
  const ctx = isolatedEnv({ AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey, AWS_ENDPOINT_URL_STS: sts.url });
  t.after(ctx.cleanup);
  const r = await run(EKS_AUTH, ['token', '-i', 'prod', '-r', ADMIN_ROLE.arn, '-s', 'alice-admin', '--token-only'], { env: ctx.env });
  assert.equal(r.code, 0, r.stderr);
  const identity = await verify(r.stdout.trim());
  assert.equal(identity.arn, 'arn:aws:sts::111122223333:assumed-role/eks-admin/alice-admin');
  assert.equal(identity.canonicalArn, 'arn:aws:iam::111122223333:role/eks-admin');
  assert.equal(identity.userId, ADMIN_ROLE.roleId);
  assert.equal(identity.sessionName, 'alice-admin');
  assert.match(identity.accessKeyId, /^ASIA/);
});

const faults: Array<[StandInFault, string, RegExp]> = [
  ['throttle', 'STS_THROTTLED', /throttled/],
  ['server-error', 'STS_REJECTED', /500 InternalFailure/],
  ['not-json', 'STS_BAD_RESPONSE', /not JSON/],
  ['redirect', 'STS_BAD_RESPONSE', /redirect \(302\); redirects are not followed/],
  ['huge-body', 'STS_BAD_RESPONSE', /larger than 65536 bytes/],
  ['hang', 'STS_TIMEOUT', /did not answer within 300 ms/],
];
for (const [fault, code, message] of faults) {
  test(`STS fault "${fault}" → ${code}, in bounded time`, async (t) => {
    const { token } = await getToken({ clusterId: 'prod', credentials: ALICE, env });
    sts.setFault(fault);
    t.after(() => sts.setFault(undefined));
    const started = Date.now();
    await assert.rejects(verify(token, 'prod', { timeoutMs: 300 }), (e: any) => {
      assert.equal(e.code, code, e.message);
      assert.match(e.message, message);
      return true;
    });
    assert.ok(Date.now() - started < 3000, 'answered within the deadline');
  });
}

test('STS unreachable → STS_UNREACHABLE', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
  const { port } = closed.address() as { port: number };
  await new Promise<void>((r) => closed.close(() => r()));
  const { token } = await getToken({ clusterId: 'prod', credentials: ALICE, env });
  await assert.rejects(verifyToken(token, { clusterId: 'prod', stsEndpointOverride: `http://127.0.0.1:${port}` }), (e: any) => e.code === 'STS_UNREACHABLE' && /ECONNREFUSED/.test(e.message));
});
