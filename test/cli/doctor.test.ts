/**
 * `eks-auth doctor` against the STS stand-in and a loopback API server, with a kubeconfig context
 * and an aws-auth file: what a user runs when kubectl says Unauthorized.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { EKS_AUTH, isolatedEnv, run, runEksAuth, writeFile } from '../support/cli.js';
import { ALICE, startStsStandIn, type StsStandIn } from '../support/sts-stand-in.js';
import { startKubeApiServerStandIn, type KubeApiServerStandIn } from '../support/kube-apiserver-stand-in.js';
import { verifyToken } from '../../src/verify/verify-token.js';

let sts: StsStandIn;
let apiserver: KubeApiServerStandIn;
before(async () => {
  sts = await startStsStandIn();
  // The cluster "prod" accepts alice only, as an aws-auth mapping would.
  apiserver = await startKubeApiServerStandIn(async (token) => {
    const id = await verifyToken(token, { clusterId: 'prod', stsEndpointOverride: sts.url });
    return id.arn === ALICE.arn ? { username: 'alice', groups: ['developers'] } : false;
  });
});
after(async () => {
  await apiserver.close();
  await sts.close();
});

function setup(t: { after(fn: () => void): void }, extra: Record<string, string> = {}) {
  const ctx = isolatedEnv({ AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey, AWS_ENDPOINT_URL_STS: sts.url, ...extra });
  t.after(ctx.cleanup);
  const kubeconfig = writeFile(join(ctx.home, 'kubeconfig'), stringify({
    apiVersion: 'v1', kind: 'Config',
    clusters: [{ name: 'prod', cluster: { server: apiserver.url, 'certificate-authority-data': Buffer.from(apiserver.caPem).toString('base64') } }],
    users: [{ name: 'eks', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'eks-auth', args: ['token', '-i', 'prod', '--region', 'eu-west-1'], interactiveMode: 'Never' } } }],
    contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'eks' } }],
    'current-context': 'prod',
  }));
  const mapping = writeFile(join(ctx.home, 'aws-auth.yaml'), `mapUsers: |\n  - userarn: ${ALICE.arn}\n    username: alice\n    groups: [developers]\n`);
  return { ...ctx, kubeconfig, mapping };
}

test('doctor: all checks pass for a mapped user, with the token shown safely', async (t) => {
  const { env, kubeconfig, mapping } = setup(t);
  const r = await runEksAuth(['doctor', '--context', 'prod', '--kubeconfig', kubeconfig, '--mapping', mapping], { env });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^ok +kubeconfig +context prod: https:\/\/127\.0\.0\.1:\d+, cluster ID prod$/m);
  assert.match(r.stdout, /^ok +credentials +environment variables \(AWS_ACCESS_KEY_ID\); access key AKIAALICEEXAMPLE0001$/m);
  assert.match(r.stdout, /^ok +token +for cluster prod, STS host sts\.eu-west-1\.amazonaws\.com .*expires in 1[34]m\d\ds; newly signed$/m);
  assert.match(r.stdout, /^ {18}https:\/\/sts\.eu-west-1\.amazonaws\.com\/\?Action=GetCallerIdentity&.*X-Amz-Signature=[0-9a-f]{8}…$/m);
  assert.match(r.stdout, /^ok +identity +arn:aws:iam::111122223333:user\/alice, account 111122223333$/m);
  assert.match(r.stdout, /^ok +clock +in step with STS/m);
  assert.match(r.stdout, /^ok +cluster +https:\/\/127\.0\.0\.1:\d+ says you are "alice" in \[developers, system:authenticated\]$/m);
  assert.match(r.stdout, /^ok +mapping +mapUsers arn:aws:iam::111122223333:user\/alice → user "alice", groups \[developers\]$/m);
  const again = await runEksAuth(['doctor', '-i', 'prod', '--region', 'eu-west-1', '-o', 'json'], { env });
  const report = JSON.parse(again.stdout);
  assert.equal(report.ok, true);
  assert.equal(report.checks.find((c: any) => c.name === 'token').details.fromCache, true, 'the second run finds the cached token');
});

test('doctor: an unmapped identity fails at the cluster and the mapping, with what to do; secrets stay hidden', async (t) => {
  const bob = { AWS_ACCESS_KEY_ID: 'ASIABOBEXAMPLE000002', AWS_SECRET_ACCESS_KEY: 'bobSecretKeyExample/000000000+000000000', AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEXAMPLE/bob+session=token==' };
  const { env, kubeconfig, mapping } = setup(t, bob);
  const r = await runEksAuth(['doctor', '--context', 'prod', '--kubeconfig', kubeconfig, '--mapping', mapping], { env });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^ok +identity +arn:aws:sts::111122223333:assumed-role\/developer\/bob@example.com \(as arn:aws:iam::111122223333:role\/developer\)/m);
  assert.match(r.stdout, /^FAIL +cluster +https:\/\/127\.0\.0\.1:\d+ answers 401 Unauthorized/m);
  assert.match(r.stdout, /^FAIL +mapping +no rule in .* matches arn:aws:iam::111122223333:role\/developer$/m);
  assert.match(r.stdout, /→ add it to mapRoles \(rolearn: arn:aws:iam::111122223333:role\/developer\)/);
  assert.match(r.stdout, /X-Amz-Security-Token=\(masked\)/);
  for (const secret of [bob.AWS_SECRET_ACCESS_KEY, bob.AWS_SESSION_TOKEN, encodeURIComponent(bob.AWS_SESSION_TOKEN)]) assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret));
});

test('doctor: no credentials is the first failure, and it says what to do', async (t) => {
  const { env } = setup(t, { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' });
  const r = await run(EKS_AUTH, ['doctor', '-i', 'prod'], { env });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^FAIL +credentials +no AWS credentials found; tried environment/m);
});

test('doctor: a context whose user runs eks-auth with --profile (as convert-kubeconfig writes it) gives the cluster and profile', async (t) => {
  const { env, home } = setup(t, { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' });
  writeFile(join(home, 'aws-credentials'), `[work]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`);
  const kubeconfig = writeFile(join(home, 'converted'), stringify({
    apiVersion: 'v1', kind: 'Config',
    clusters: [{ name: 'prod', cluster: { server: apiserver.url, 'certificate-authority-data': Buffer.from(apiserver.caPem).toString('base64') } }],
    users: [{ name: 'eks', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'eks-auth', args: ['token', '-i', 'prod', '--region', 'eu-west-1', '--profile', 'work'], interactiveMode: 'IfAvailable' } } }],
    contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'eks' } }],
  }));
  const r = await runEksAuth(['doctor', '--context', 'prod', '--kubeconfig', kubeconfig], { env });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^ok +kubeconfig +context prod: .*, cluster ID prod$/m);
  assert.match(r.stdout, /^ok +credentials +static keys in the shared credentials\/config file; access key AKIAALICEEXAMPLE0001, profile work$/m);
  assert.match(r.stdout, /^ok +cluster +.* says you are "alice"/m);
});
