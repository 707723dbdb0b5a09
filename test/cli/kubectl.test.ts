/**
 * Real kubectl, end to end: a kubeconfig whose user execs bin/eks-auth, a loopback HTTPS server
 * playing kube-apiserver that verifies the bearer token (verifyToken) against the SigV4-checking
 * STS stand-in.
 * Oldest and newest kubectl installed, ExecCredential v1beta1 and v1.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { EKS_AUTH, isolatedEnv, kubectlVersions, requireTool, run, writeFile } from '../support/cli.js';
import { ALICE, ADMIN_ROLE, startStsStandIn, type StsStandIn } from '../support/sts-stand-in.js';
import { startKubeApiServerStandIn, type KubeApiServerStandIn } from '../support/kube-apiserver-stand-in.js';
import { verifyToken } from '../../src/verify/verify-token.js';

const CLUSTER = 'e2e-cluster';
let sts: StsStandIn;
let apiserver: KubeApiServerStandIn;

before(async () => {
  sts = await startStsStandIn();
    // The apiserver authenticates as EKS does: our verifier, against the SigV4-checking STS stand-in.
  apiserver = await startKubeApiServerStandIn(async (token) => {
    await verifyToken(token, { clusterId: CLUSTER, stsEndpointOverride: sts.url });
    return true;
  });
});
after(async () => {
  await apiserver.close();
  await sts.close();
});

function kubeconfig(execApiVersion: string, args: string[]): object {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'standin', cluster: { server: apiserver.url, 'certificate-authority-data': Buffer.from(apiserver.caPem).toString('base64') } }],
    users: [
      {
        name: 'eks',
        user: {
          exec: {
            apiVersion: execApiVersion,
            command: EKS_AUTH,
            args,
            ...(execApiVersion.endsWith('/v1') ? { interactiveMode: 'Never' } : {}),
          },
        },
      },
    ],
    contexts: [{ name: 'eks', context: { cluster: 'standin', user: 'eks' } }],
    'current-context': 'eks',
  };
}

const aliceEnv = { AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey };

for (const kubectl of kubectlVersions()) {
  for (const execApiVersion of ['client.authentication.k8s.io/v1beta1', 'client.authentication.k8s.io/v1']) {
    test(`${kubectl.split('/').pop()} get --raw /version with ${execApiVersion}`, async (t) => {
      if (!requireTool(t, 'kubectl', 'install kubectl (several versions as kubectl.1.NN)')) return;
      const { env, home, cleanup } = isolatedEnv(aliceEnv);
      t.after(cleanup);
      const seen = apiserver.tokens.length;
      const config = writeFile(join(home, 'kubeconfig'), stringify(kubeconfig(execApiVersion, ['token', '-i', CLUSTER, '--region', 'eu-west-1'])));
      const result = await run(kubectl, ['--kubeconfig', config, 'get', '--raw', '/version'], { env });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(JSON.parse(result.stdout).gitVersion, 'v1.31.0-eks-standin');
      assert.ok(apiserver.tokens.length > seen, 'kubectl sent a bearer token');
      assert.match(apiserver.tokens.at(-1)!, /^k8s-aws-v1\./);
    });
  }
}

test('kubectl with aws-iam-authenticator style args and an assumed role (-r) via AWS_ENDPOINT_URL_STS', async (t) => {
  if (!requireTool(t, 'kubectl', 'install kubectl')) return;
  const [kubectl] = kubectlVersions().slice(-1);
  const { env, home, cleanup } = isolatedEnv({ ...aliceEnv, AWS_ENDPOINT_URL_STS: sts.url });
  t.after(cleanup);
  const calls = sts.assumeRoleCalls.length;
  const config = writeFile(join(home, 'kubeconfig'), stringify(kubeconfig('client.authentication.k8s.io/v1', ['token', '-i', CLUSTER, '-r', ADMIN_ROLE.arn, '--region', 'us-west-2'])));
  const result = await run(kubectl!, ['--kubeconfig', config, 'get', '--raw', '/version'], { env });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(sts.assumeRoleCalls.length, calls + 1);
  assert.equal(sts.assumeRoleCalls.at(-1)!.callerArn, ALICE.arn);
});

test('kubectl reports Unauthorized when the token is for another cluster', async (t) => {
  if (!requireTool(t, 'kubectl', 'install kubectl')) return;
  const [kubectl] = kubectlVersions().slice(-1);
  const { env, home, cleanup } = isolatedEnv(aliceEnv);
  t.after(cleanup);
  const config = writeFile(join(home, 'kubeconfig'), stringify(kubeconfig('client.authentication.k8s.io/v1beta1', ['token', '-i', 'some-other-cluster'])));
  const result = await run(kubectl!, ['--kubeconfig', config, 'get', '--raw', '/version'], { env });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /Unauthorized|must be logged in/);
});

test('provideClusterInfo: one users entry serves two clusters, each named by its exec extension', async (t) => {
  if (!requireTool(t, 'kubectl', 'install kubectl')) return;
  const [kubectl] = kubectlVersions().slice(-1);
  const servers = await Promise.all(
    ['blue', 'green'].map((cluster) => startKubeApiServerStandIn(async (token) => (await verifyToken(token, { clusterId: cluster, stsEndpointOverride: sts.url }), true))),
  );
  t.after(() => Promise.all(servers.map((s) => s.close())));
  const { env, home, cleanup } = isolatedEnv(aliceEnv);
  t.after(cleanup);
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: ['blue', 'green'].map((name, i) => ({
      name,
      cluster: {
        server: servers[i]!.url,
        'certificate-authority-data': Buffer.from(servers[i]!.caPem).toString('base64'),
        extensions: [{ name: 'client.authentication.k8s.io/exec', extension: { clusterName: name, region: i === 0 ? 'eu-west-1' : 'us-east-2' } }],
      },
    })),
    users: [{ name: 'eks', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: EKS_AUTH, args: ['token'], interactiveMode: 'Never', provideClusterInfo: true } } }],
    contexts: ['blue', 'green'].map((name) => ({ name, context: { cluster: name, user: 'eks' } })),
    'current-context': 'blue',
  };
  const file = writeFile(join(home, 'kubeconfig'), stringify(config));
  for (const [i, context] of ['blue', 'green'].entries()) {
    const r = await run(kubectl!, ['--kubeconfig', file, '--context', context, 'get', '--raw', '/version'], { env });
    assert.equal(r.code, 0, `${context}: ${r.stderr}`);
    const url = Buffer.from(servers[i]!.tokens.at(-1)!.slice('k8s-aws-v1.'.length), 'base64url').toString();
    assert.match(url, i === 0 ? /^https:\/\/sts\.eu-west-1\./ : /^https:\/\/sts\.us-east-2\./, 'the region came from the extension');
  }
});
