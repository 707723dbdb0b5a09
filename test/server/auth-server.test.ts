/**
 * The webhook as kube-apiserver sees it: a real HTTPS server (in this process) verifying tokens
 * with the SigV4-checking STS stand-in and mapping them through an aws-auth file.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { startAuthServer, type AuthServer } from '../../src/server/auth-server.js';
import { fileMappingSource, type MappingSource } from '../../src/server/mapping-source.js';
import { getToken } from '../../src/token/get-token.js';
import { ALICE, BOB_SESSION, startStsStandIn, type StsStandIn } from '../support/sts-stand-in.js';
import { stateDir, webhookClient } from '../support/webhook.js';

const noFiles = { AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
const MAPPING = `apiVersion: v1
kind: ConfigMap
metadata: { name: aws-auth, namespace: kube-system }
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/platform/developer
      username: dev:{{SessionName}}
      groups: [developers]
  mapUsers: |
    - userarn: ${ALICE.arn}
      username: alice
      groups: [system:masters]
`;

let sts: StsStandIn;
let server: AuthServer;
let mappings: MappingSource;
let client: ReturnType<typeof webhookClient>;
let state: Awaited<ReturnType<typeof stateDir>>;
const logs: any[] = [];
const logger = {
  info: (msg: string, f = {}) => logs.push({ level: 'info', msg, ...f }),
  warn: (msg: string, f = {}) => logs.push({ level: 'warn', msg, ...f }),
  error: (msg: string, f = {}) => logs.push({ level: 'error', msg, ...f }),
};
const CAROL = { ...ALICE, accessKeyId: 'AKIACAROLEXAMPLE0003', arn: 'arn:aws:iam::111122223333:user/carol', userId: 'AIDACAROLEXAMPLE0003' };
const tokenFor = async (creds = ALICE, clusterId = 'prod') => (await getToken({ clusterId, credentials: creds, env: noFiles, region: 'eu-west-1' })).token;

before(async () => {
  sts = await startStsStandIn();
  sts.addIdentity(CAROL);
  state = await stateDir();
  writeFileSync(join(state.dir, 'aws-auth.yaml'), MAPPING);
  mappings = fileMappingSource(join(state.dir, 'aws-auth.yaml'), { logger, pollMs: 200 });
  server = await startAuthServer({
    clusterId: 'prod', certPem: state.certPem, keyPem: state.keyPem, address: '127.0.0.1', port: 0, partition: 'aws',
    stsEndpointOverride: sts.url, stsTimeoutMs: 500, maxInFlight: 64, mappings, logger,
  });
  client = webhookClient(server.url, state.certPem);
});
after(async () => {
  await client.close();
  await server.close(1000);
  mappings.close();
  await sts.close();
  state.cleanup();
});

for (const apiVersion of ['authentication.k8s.io/v1', 'authentication.k8s.io/v1beta1']) {
  test(`${apiVersion}: an IAM user mapped in mapUsers is authenticated, answered in the same version`, async () => {
    const r = await client.review(await tokenFor(), apiVersion);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, {
      apiVersion,
      kind: 'TokenReview',
      status: {
        authenticated: true,
        user: {
          username: 'alice',
          uid: 'aws-iam-authenticator:111122223333:AIDAALICEEXAMPLE00001',
          groups: ['system:masters'],
          extra: {
            arn: [ALICE.arn], canonicalArn: [ALICE.arn], sessionName: [''], accessKeyId: [ALICE.accessKeyId],
            principalId: ['AIDAALICEEXAMPLE00001'], 'sigs.k8s.io/aws-iam-authenticator/principalId': ['AIDAALICEEXAMPLE00001'],
          },
        },
      },
    });
  });
}

test('an assumed role whose aws-auth rolearn has a path is matched, with {{SessionName}}', async () => {
  sts.addIdentity({ ...BOB_SESSION, accessKeyId: 'ASIADEVPATHEXAMPLE01', arn: 'arn:aws:sts::111122223333:assumed-role/developer/bob@example.com' });
  const r = await client.review(await tokenFor({ ...BOB_SESSION, accessKeyId: 'ASIADEVPATHEXAMPLE01' }));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status.user.username, 'dev:bob-example.com');
  assert.equal(r.body.status.user.uid, 'aws-iam-authenticator:111122223333:AROADEVELOPEREXAMPLE');
  assert.deepEqual(r.body.status.user.extra.sessionName, ['bob@example.com']);
  assert.deepEqual(r.body.status.user.extra.canonicalArn, ['arn:aws:iam::111122223333:role/developer']);
});

const denials: Array<[string, () => Promise<{ status: number; body: any }>, number, RegExp]> = [
  ['a malformed token', async () => client.review('k8s-aws-v1.not-a-token'), 403, /invalid token/],
  ['a token for another cluster', async () => client.review(await tokenFor(ALICE, 'staging')), 403, /STS rejected the token \(403 SignatureDoesNotMatch/],
  ['an identity aws-auth does not map', async () => client.review(await tokenFor(CAROL)), 403, /arn:aws:iam::111122223333:user\/carol is not mapped in aws-auth/],
  ['a body that is not JSON', async () => client.call('POST', '/authenticate', '{nope'), 400, /not JSON/],
  ['a body that is not a TokenReview', async () => client.call('POST', '/authenticate', '{"kind":"Pod","apiVersion":"v1"}'), 400, /not a TokenReview/],
  ['a TokenReview without a token', async () => client.call('POST', '/authenticate', '{"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1beta1","spec":{}}'), 400, /no spec.token/],
  ['GET /authenticate', async () => client.call('GET', '/authenticate'), 405, /method GET not allowed/],
  ['a body over the limit', async () => client.call('POST', '/authenticate', JSON.stringify({ kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', spec: { token: 'x'.repeat(70_000) } })), 413, /over 65536 bytes/],
];
for (const [name, call, status, message] of denials) {
  test(`denied with ${status}: ${name}`, async () => {
    const r = await call();
    assert.equal(r.status, status);
    assert.equal(r.body.kind, 'TokenReview');
    assert.match(r.body.apiVersion, /^authentication\.k8s\.io\/v1(beta1)?$/);
    assert.equal(r.body.status.authenticated, false);
    assert.match(r.body.status.error, message);
  });
}

test('v1beta1 denials are answered in v1beta1', async () => {
  const r = await client.review('k8s-aws-v1.x', 'authentication.k8s.io/v1beta1');
  assert.equal(r.body.apiVersion, 'authentication.k8s.io/v1beta1');
});

test('unknown paths are 404; /healthz is ok', async () => {
  assert.equal((await client.call('GET', '/nope')).status, 404);
  const h = await client.call('GET', '/healthz');
  assert.equal(h.status, 200);
  assert.equal(h.text, 'ok\n');
});

test('STS throttling → 429, STS 500 → 403, STS hanging → 403 within the timeout while /healthz keeps answering', async (t) => {
  const token = await tokenFor();
  t.after(() => sts.setFault(undefined));
  sts.setFault('throttle');
  const throttled = await client.review(token);
  assert.equal(throttled.status, 429);
  assert.match(throttled.body.status.error, /throttled/);
  sts.setFault('server-error');
  assert.equal((await client.review(token)).status, 403);
  sts.setFault('hang');
  const started = Date.now();
  const pending = client.review(token);
  const health = await client.call('GET', '/healthz');
  assert.equal(health.status, 200, '/healthz answers while STS hangs');
  const hung = await pending;
  assert.equal(hung.status, 403);
  assert.match(hung.body.status.error, /did not answer within 500 ms/);
  assert.ok(Date.now() - started < 2500);
});

test('metrics keep aws-iam-authenticator\'s names and labels', async () => {
  await client.review(await tokenFor());
  const r = await client.call('GET', '/metrics');
  assert.equal(r.status, 200);
  for (const line of [
    /^aws_iam_authenticator_authenticate_latency_seconds_bucket\{le="0.005",result="success"\} \d+$/m,
    /^aws_iam_authenticator_authenticate_latency_seconds_count\{result="invalid_token"\} \d+$/m,
    /^aws_iam_authenticator_authenticate_latency_seconds_count\{result="unknown_user"\} \d+$/m,
    /^aws_iam_authenticator_authenticate_latency_seconds_count\{result="malformed_request"\} \d+$/m,
    /^aws_iam_authenticator_authenticate_latency_seconds_count\{result="sts_throttling"\} \d+$/m,
    /^aws_iam_authenticator_authenticate_latency_seconds_count\{result="sts_error"\} \d+$/m,
    /^aws_iam_authenticator_sts_responses_total\{ResponseCode="200",StsRegion="eu-west-1"\} \d+$/m,
    /^aws_iam_authenticator_sts_responses_total\{ResponseCode="403",StsRegion="eu-west-1"\} \d+$/m,
    /^aws_iam_authenticator_sts_throttling_total\{StsRegion="eu-west-1"\} [1-9]\d*$/m,
    /^aws_iam_authenticator_sts_connection_failures_total\{StsRegion="eu-west-1"\} [1-9]\d*$/m,
    /^eks_auth_http_requests_total\{path="\/authenticate",code="200"\} \d+$/m,
    /^eks_auth_reviews_in_flight 0$/m,
  ]) {
    assert.match(r.text, line);
  }
});

test('logs: one JSON line per review with result, ARN, user and latency; never the token', async () => {
  const token = await tokenFor();
  await client.review(token);
  const line = logs.filter((l) => l.msg === 'review').at(-1);
  assert.equal(line.result, 'success');
  assert.equal(line.arn, ALICE.arn);
  assert.equal(line.user, 'alice');
  assert.equal(typeof line.latencyMs, 'number');
  const all = JSON.stringify(logs);
  assert.ok(!all.includes(token.slice(11, 60)), 'no token in the logs');
});

test('the mapping file reloads when it changes; a broken version keeps the previous mappings', async () => {
  const file = join(state.dir, 'aws-auth.yaml');
  const bobToken = await tokenFor(CAROL);
  assert.equal((await client.review(bobToken)).status, 403);
  // The kubelet updates a mounted ConfigMap by swapping files: write elsewhere, rename over it.
  writeFileSync(`${file}.new`, `${MAPPING}  mapAccounts: |\n    - "111122223333"\n`);
  renameSync(`${file}.new`, file);
  await waitFor(async () => (await client.review(bobToken)).status === 200);
  writeFileSync(file, 'data:\n  mapRoles: "- rolearn: [broken"\n');
  await waitFor(() => logs.some((l) => l.level === 'error' && /does not parse; keeping the previous mappings/.test(l.msg)));
  assert.equal((await client.review(bobToken)).status, 200, 'previous mappings still in force');
  writeFileSync(file, MAPPING);
  await waitFor(async () => (await client.review(bobToken)).status === 403);
});

async function waitFor(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`condition not reached in time; logs: ${JSON.stringify(logs.filter((l) => l.msg !== 'review').slice(-3))}`);
}

test('a mounted ConfigMap folder (one file per key) is read, and reloaded when the kubelet swaps it', async () => {
  const { mkdirSync, symlinkSync, renameSync: rename } = await import('node:fs');
  const root = join(state.dir, 'mounted');
  // The kubelet's layout: keys are symlinks into ..data, itself a symlink swapped atomically.
  mkdirSync(join(root, '..v1'), { recursive: true });
  writeFileSync(join(root, '..v1', 'mapUsers'), `- userarn: ${CAROL.arn}\n  username: carol\n  groups: [qa]\n`);
  symlinkSync('..v1', join(root, '..data'));
  symlinkSync('..data/mapUsers', join(root, 'mapUsers'));
  symlinkSync('..data/mapRoles', join(root, 'mapRoles'));
  const source = fileMappingSource(root, { logger, pollMs: 200 });
  try {
    assert.deepEqual(source.current().users.map((u) => u.username), ['carol']);
    mkdirSync(join(root, '..v2'));
    writeFileSync(join(root, '..v2', 'mapUsers'), `- userarn: ${CAROL.arn}\n  username: carol-v2\n`);
    symlinkSync('..v2', join(root, '..data_tmp'));
    rename(join(root, '..data_tmp'), join(root, '..data'));
    await waitFor(() => source.current().users[0]?.username === 'carol-v2');
  } finally {
    source.close();
  }
});
