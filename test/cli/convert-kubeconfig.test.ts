/**
 * convert-kubeconfig on kubeconfigs as `aws eks update-kubeconfig` and aws-iam-authenticator users
 * write them; then real kubectl runs the converted file against the loopback apiserver.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { EKS_AUTH, isolatedEnv, kubectlVersions, requireTool, run, runEksAuth, writeFile } from '../support/cli.js';
import { ALICE, startStsStandIn, type StsStandIn } from '../support/sts-stand-in.js';
import { startKubeApiServerStandIn, type KubeApiServerStandIn } from '../support/kube-apiserver-stand-in.js';
import { verifyToken } from '../../src/verify/verify-token.js';

let sts: StsStandIn;
let apiserver: KubeApiServerStandIn;
before(async () => {
  sts = await startStsStandIn();
  apiserver = await startKubeApiServerStandIn(async (token) => (await verifyToken(token, { clusterId: 'prod', stsEndpointOverride: sts.url }), true));
});
after(async () => {
  await apiserver.close();
  await sts.close();
});

const ARN = 'arn:aws:eks:eu-west-1:111122223333:cluster/prod';
// The layout and key order `aws eks update-kubeconfig` writes, plus a comment a user added.
const kubeconfig = (server: string, ca: string) => `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${ca}
    server: ${server}
  name: ${ARN}
contexts:
- context:
    cluster: ${ARN}
    user: ${ARN}
  name: ${ARN}
- context:
    cluster: ${ARN}
    user: legacy
  name: legacy
current-context: ${ARN}
kind: Config
preferences: {}
users:
# production, set up by the platform team
- name: ${ARN}
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - --region
      - eu-west-1
      - eks
      - get-token
      - --cluster-name
      - prod
      - --output
      - json
      command: aws
      env:
      - name: AWS_PROFILE
        value: work
- name: legacy
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1alpha1
      command: /usr/local/bin/aws-iam-authenticator
      args: [token, -i, prod, -r, "arn:aws:iam::111122223333:role/admin"]
      env:
      - name: VAULT_TOKEN
        value: s3cr3t-vault-token
- name: odd
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws-iam-authenticator
      args: [token, -i, prod, --cache]
- name: static
  user:
    token: abc
`;

function setup(t: { after(fn: () => void): void }) {
  const ctx = isolatedEnv({ AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey });
  t.after(ctx.cleanup);
  const file = writeFile(join(ctx.home, 'config'), kubeconfig(apiserver.url, Buffer.from(apiserver.caPem).toString('base64')));
  chmodSync(file, 0o600);
  return { ...ctx, file };
}

test('converts aws eks get-token and aws-iam-authenticator users, keeps comments, mode and the rest', async (t) => {
  const { env, file } = setup(t);
  const r = await runEksAuth(['convert-kubeconfig', '--kubeconfig', file], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`converted user "${ARN}" in .*: aws eks get-token → eks-auth token -i prod --region eu-west-1 --profile work`));
  assert.match(r.stdout, /converted user "legacy" .*: aws-iam-authenticator token → eks-auth token -i prod -r arn:aws:iam::111122223333:role\/admin/);
  assert.match(r.stdout, /left user "odd" .* as it is: unknown option --cache/);
  assert.match(r.stdout, /backup: .*config\.eks-auth-backup/);
  const text = readFileSync(file, 'utf8');
  assert.match(text, /# production, set up by the platform team/);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const doc = parse(text);
  const exec = doc.users[0].user.exec;
  assert.deepEqual(exec.args, ['token', '-i', 'prod', '--region', 'eu-west-1', '--profile', 'work']);
  assert.equal(exec.command, 'eks-auth');
  assert.equal(exec.apiVersion, 'client.authentication.k8s.io/v1');
  assert.equal(exec.interactiveMode, 'IfAvailable');
  assert.match(exec.installHint, /npm install -g eks-auth/);
  assert.equal(exec.env, undefined, 'AWS_PROFILE moved to --profile');
  assert.equal(doc.users[2].user.exec.command, 'aws-iam-authenticator', 'the odd one is untouched');
  assert.equal(doc.users[3].user.token, 'abc');
  assert.equal(doc['current-context'], ARN);
});

test('the converted kubeconfig works with real kubectl', async (t) => {
  if (!requireTool(t, 'kubectl', 'install kubectl')) return;
  const { env, file, home } = setup(t);
  writeFile(join(home, 'aws-credentials'), `[work]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`);
  const converted = await runEksAuth(['convert-kubeconfig', '--kubeconfig', file, '--context', ARN], { env });
  assert.equal(converted.code, 0, converted.stderr);
  // eks-auth found on PATH, as kubectl looks it up.
  const pathEnv = { ...env, PATH: `${dirname(EKS_AUTH)}:${env.PATH}` };
  const [kubectl] = kubectlVersions().slice(-1);
  const r = await run(kubectl!, ['--kubeconfig', file, 'get', '--raw', '/version'], { env: pathEnv });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).gitVersion, 'v1.31.0-eks-standin');
});

test('--context converts only that context\'s user; --dry-run writes nothing; --restore puts the original back', async (t) => {
  const { env, file } = setup(t);
  const original = readFileSync(file, 'utf8');
  const dry = await runEksAuth(['convert-kubeconfig', '--kubeconfig', file, '--context', 'legacy', '--dry-run'], { env });
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stderr, /would convert user "legacy"/);
  assert.doesNotMatch(dry.stderr, /would convert user "arn:/);
  const preview = parse(dry.stdout);
  assert.deepEqual(preview.users.map((u: any) => u.name), ['legacy'], 'only the converted entry is shown');
  assert.equal(preview.users[0].user.exec.command, 'eks-auth');
  assert.doesNotMatch(dry.stdout, /token: abc|certificate-authority-data/, 'nothing else of the file reaches stdout');
  assert.doesNotMatch(dry.stdout, /s3cr3t-vault-token/, 'exec env values are not shown');
  assert.equal(preview.users[0].user.exec.env[0].name, 'VAULT_TOKEN');
  assert.equal(readFileSync(file, 'utf8'), original, 'dry run wrote nothing');
  assert.equal(existsSync(`${file}.eks-auth-backup`), false);
  await runEksAuth(['convert-kubeconfig', '--kubeconfig', file], { env });
  const second = await runEksAuth(['convert-kubeconfig', '--kubeconfig', file], { env });
  assert.match(second.stdout, /nothing to convert/);
  assert.equal(readFileSync(`${file}.eks-auth-backup`, 'utf8'), original, 'a second run keeps the first backup');
  const restored = await runEksAuth(['convert-kubeconfig', '--kubeconfig', file, '--restore'], { env });
  assert.match(restored.stdout, /^restored /);
  assert.equal(readFileSync(file, 'utf8'), original);
  const missing = await runEksAuth(['convert-kubeconfig', '--kubeconfig', file, '--context', 'nope'], { env });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no context named "nope"/);
});

test('KUBECONFIG picks the file, as kubectl does; --dry-run hides exec env values', async (t) => {
  const { env, file } = setup(t);
  const r = await runEksAuth(['setup', '--dry-run'], { env: { ...env, KUBECONFIG: file } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /would convert user "legacy" in .*\/config:/);
  assert.doesNotMatch(r.stdout, /AWS_PROFILE/, 'AWS_PROFILE moved to --profile');
  assert.match(r.stdout, /--profile\n\s*- work/);
});
