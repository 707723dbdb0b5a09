/**
 * `eks-auth token` as a user runs it: flags, profiles, role assumption through the STS stand-in
 * (AWS_ENDPOINT_URL_STS), MFA, and every error path with its one line on stderr.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isolatedEnv, runEksAuth, writeFile } from '../support/cli.js';
import { ADMIN_ROLE, ALICE, BOB_SESSION, PARTNER_ROLE, startStsStandIn, type StsStandIn } from '../support/sts-stand-in.js';
import { verifyToken } from '../../src/verify/verify-token.js';
import { decodeToken } from '../../src/token/token-format.js';

let sts: StsStandIn;
const MFA_ROLE = { arn: 'arn:aws:iam::111122223333:role/needs-mfa', roleId: 'AROANEEDSMFAEXAMPLE1', mfa: { serialNumber: 'arn:aws:iam::111122223333:mfa/alice', tokenCode: '123456' } };
before(async () => {
  sts = await startStsStandIn();
  sts.addRole(MFA_ROLE);
});
after(() => sts.close());

const alice = { AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey };
const bob = { AWS_ACCESS_KEY_ID: BOB_SESSION.accessKeyId, AWS_SECRET_ACCESS_KEY: BOB_SESSION.secretAccessKey, AWS_SESSION_TOKEN: BOB_SESSION.sessionToken! };
const SECRETS = [ALICE.secretAccessKey, BOB_SESSION.secretAccessKey, BOB_SESSION.sessionToken!];

function setup(t: { after(fn: () => void): void }, extra: Record<string, string> = {}) {
  const ctx = isolatedEnv({ AWS_ENDPOINT_URL_STS: sts.url, ...extra });
  t.after(ctx.cleanup);
  return ctx;
}

/** Who STS says signed the token, checked for this cluster as an EKS verifier would. */
const whoSigned = (token: string, clusterId: string) => verifyToken(token, { clusterId, stsEndpointOverride: sts.url });

function assertOneLineError(stderr: string, pattern: RegExp) {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${stderr}`);
  assert.match(lines[0]!, /^eks-auth: /);
  assert.match(lines[0]!, pattern);
  for (const secret of SECRETS) assert.ok(!stderr.includes(secret), 'a secret reached stderr');
}

test('prints a compact v1beta1 ExecCredential by default, and stderr stays silent', async (t) => {
  const { env } = setup(t, alice);
  const r = await runEksAuth(['token', '-i', 'c1', '--region', 'eu-west-1'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout.split('\n').length, 2, 'one line and its newline');
  const cred = JSON.parse(r.stdout);
  assert.equal(cred.kind, 'ExecCredential');
  assert.equal(cred.apiVersion, 'client.authentication.k8s.io/v1beta1');
  const expires = Date.parse(cred.status.expirationTimestamp);
  assert.ok(Math.abs(expires - (Date.now() + 14 * 60_000)) < 10_000, 'expires 14 minutes after signing');
  assert.equal((await whoSigned(cred.status.token, 'c1')).arn, ALICE.arn);
});

test('--token-only prints the token alone; KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID names the cluster', async (t) => {
  const { env } = setup(t, { ...alice, KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID: 'from-env' });
  const r = await runEksAuth(['token', '--token-only'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^k8s-aws-v1\.[A-Za-z0-9_-]+\n$/);
  assert.equal((await whoSigned(r.stdout.trim(), 'from-env')).arn, ALICE.arn);
});

test('the apiVersion follows KUBERNETES_EXEC_INFO, --api-version overrides it, v1alpha1 warns', async (t) => {
  const { env } = setup(t, alice);
  const v1 = await runEksAuth(['token', '-i', 'c'], { env: { ...env, KUBERNETES_EXEC_INFO: '{"apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}' } });
  assert.equal(JSON.parse(v1.stdout).apiVersion, 'client.authentication.k8s.io/v1');
  const forced = await runEksAuth(['token', '-i', 'c', '--api-version', 'v1beta1'], { env: { ...env, KUBERNETES_EXEC_INFO: '{"apiVersion":"client.authentication.k8s.io/v1"}' } });
  assert.equal(JSON.parse(forced.stdout).apiVersion, 'client.authentication.k8s.io/v1beta1');
  const alpha = await runEksAuth(['token', '-i', 'c'], { env: { ...env, KUBERNETES_EXEC_INFO: '{"apiVersion":"client.authentication.k8s.io/v1alpha1"}' } });
  assert.equal(alpha.code, 0);
  assert.equal(JSON.parse(alpha.stdout).apiVersion, 'client.authentication.k8s.io/v1alpha1');
  assert.match(alpha.stderr, /^eks-auth: warning: .*deprecated/);
});

test('a profile from the shared files: its keys and its region choose the STS host', async (t) => {
  const { env, home } = setup(t);
  writeFile(join(home, 'aws-credentials'), `[work]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`);
  writeFile(join(home, 'aws-config'), '[profile work]\nregion = ap-southeast-2\n');
  const r = await runEksAuth(['token', '-i', 'c', '--profile', 'work', '--token-only'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(decodeToken(r.stdout.trim()), /^https:\/\/sts\.ap-southeast-2\.amazonaws\.com\/\?/);
  const viaEnv = await runEksAuth(['token', '-i', 'c', '--token-only'], { env: { ...env, AWS_PROFILE: 'work' } });
  assert.equal(viaEnv.code, 0, viaEnv.stderr);
  assert.equal((await whoSigned(viaEnv.stdout.trim(), 'c')).arn, ALICE.arn);
});

test('-r assumes the role: the token is signed by the role session, with X-Amz-Security-Token; -e and -s reach STS', async (t) => {
  const { env } = setup(t, alice);
  const r = await runEksAuth(['token', '-i', 'c', '-r', PARTNER_ROLE.arn, '-e', 'partner-external-id-42', '-s', 'ci-deploy', '--token-only', '--region', 'us-east-2'], { env });
  assert.equal(r.code, 0, r.stderr);
  const call = sts.assumeRoleCalls.at(-1)!;
  assert.deepEqual([call.roleArn, call.externalId, call.sessionName, call.callerArn], [PARTNER_ROLE.arn, 'partner-external-id-42', 'ci-deploy', ALICE.arn]);
  const url = decodeToken(r.stdout.trim());
  assert.match(url, /&X-Amz-Security-Token=[^&]+&X-Amz-Signature=/);
  assert.match(url, /X-Amz-Credential=ASIA/);
  assert.equal((await whoSigned(r.stdout.trim(), 'c')).arn, 'arn:aws:sts::444455556666:assumed-role/partner-deploy/ci-deploy');
});

test('--role-arn (aws eks get-token spelling) uses the AWS CLI session name; --forward-session-name keeps the caller\'s', async (t) => {
  const { env } = setup(t, bob);
  const plain = await runEksAuth(['token', '--cluster-name', 'c', '--role-arn', ADMIN_ROLE.arn], { env });
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(sts.assumeRoleCalls.at(-1)!.sessionName, 'EKSGetTokenAuth');
  const forwarded = await runEksAuth(['token', '-i', 'c', '-r', ADMIN_ROLE.arn, '--forward-session-name'], { env });
  assert.equal(forwarded.code, 0, forwarded.stderr);
  assert.equal(sts.assumeRoleCalls.at(-1)!.sessionName, 'bob@example.com');
});

test('MFA: prompts on stderr when kubectl says the session is interactive, and sends the code to STS', async (t) => {
  const { env, home } = setup(t);
  writeFile(join(home, 'aws-credentials'), `[base]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`);
  writeFile(join(home, 'aws-config'), `[profile mfa]\nrole_arn = ${MFA_ROLE.arn}\nsource_profile = base\nmfa_serial = ${MFA_ROLE.mfa.serialNumber}\nregion = us-west-2\n`);
  const r = await runEksAuth(['token', '-i', 'c', '--profile', 'mfa'], {
    env: { ...env, KUBERNETES_EXEC_INFO: '{"apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":true}}' },
    input: '123456\n',
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /MFA code for arn:aws:iam::111122223333:mfa\/alice: /);
  assert.equal(JSON.parse(r.stdout).kind, 'ExecCredential', 'stdout holds only the credential');
  assert.equal(sts.assumeRoleCalls.at(-1)!.tokenCode, '123456');
});

test('MFA: a code that is not 6 digits is refused without repeating what was typed', async (t) => {
  const { env, home } = setup(t);
  writeFile(join(home, 'aws-credentials'), `[base]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`);
  writeFile(join(home, 'aws-config'), `[profile mfa]\nrole_arn = ${MFA_ROLE.arn}\nsource_profile = base\nmfa_serial = ${MFA_ROLE.mfa.serialNumber}\n`);
  const r = await runEksAuth(['token', '-i', 'c', '--profile', 'mfa', '--no-cache'], {
    env: { ...env, KUBERNETES_EXEC_INFO: '{"apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":true}}' },
    input: 'hunter2-pasted-secret\n',
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /eks-auth: the MFA code for arn:aws:iam::111122223333:mfa\/alice must be 6 digits\n$/);
  assert.ok(!r.stderr.includes('hunter2'), 'the typed text is not echoed');
});

test('MFA: fails at once without a terminal, saying what to do, and calls no STS', async (t) => {
  const { env, home } = setup(t);
  writeFile(join(home, 'aws-credentials'), `[base]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`);
  writeFile(join(home, 'aws-config'), `[profile mfa]\nrole_arn = ${MFA_ROLE.arn}\nsource_profile = base\nmfa_serial = ${MFA_ROLE.mfa.serialNumber}\n`);
  const before = sts.requests.length;
  const r = await runEksAuth(['token', '-i', 'c', '--profile', 'mfa'], {
    env: { ...env, KUBERNETES_EXEC_INFO: '{"apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}' },
  });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assertOneLineError(r.stderr, /profile "mfa" needs an MFA code .* interactiveMode: IfAvailable/);
  assert.equal(sts.requests.length, before);
});

const errorCases: Array<{ name: string; args: string[]; env?: Record<string, string>; files?: Record<string, string>; code: number; message: RegExp }> = [
  { name: 'no cluster ID', args: ['token'], env: alice, code: 2, message: /cluster ID is required: pass -i <cluster>/ },
  { name: 'unknown flag', args: ['token', '-i', 'c', '--regoin', 'x'], env: alice, code: 2, message: /unknown option '--regoin' \(Did you mean --region\?\)/ },
  { name: '-s with --forward-session-name', args: ['token', '-i', 'c', '-r', ADMIN_ROLE.arn, '-s', 'x', '--forward-session-name'], env: alice, code: 2, message: /cannot be used with option '--forward-session-name'/ },
  { name: '--external-id without a role', args: ['token', '-i', 'c', '-e', 'x'], env: alice, code: 2, message: /apply to an assumed role: add -r/ },
  { name: 'a role that is not a role ARN', args: ['token', '-i', 'c', '-r', 'admin'], env: alice, code: 2, message: /"admin" is not an IAM role ARN/ },
  { name: 'bad --api-version', args: ['token', '-i', 'c', '--api-version', 'v2'], env: alice, code: 2, message: /Allowed choices are v1, v1beta1/ },
  { name: 'no credentials anywhere', args: ['token', '-i', 'c'], code: 1, message: /no AWS credentials found; tried environment .*instance metadata/ },
  { name: 'unknown profile', args: ['token', '-i', 'c', '--profile', 'nope'], env: alice, code: 1, message: /profile "nope" is not in .*aws configure --profile nope/ },
  { name: 'AssumeRole denied', args: ['token', '-i', 'c', '-r', 'arn:aws:iam::111122223333:role/not-trusted'], env: alice, code: 1, message: /STS denied AssumeRole on arn:aws:iam::111122223333:role\/not-trusted: User: arn:aws:iam::111122223333:user\/alice is not authorized/ },
  { name: 'wrong external ID', args: ['token', '-i', 'c', '-r', PARTNER_ROLE.arn, '-e', 'wrong'], env: bob, code: 1, message: /STS denied AssumeRole on arn:aws:iam::444455556666:role\/partner-deploy/ },
  { name: 'secret key STS does not know (verbose: details, no secrets)', args: ['token', '-i', 'c', '-r', ADMIN_ROLE.arn, '--verbose'], env: { ...bob, AWS_SECRET_ACCESS_KEY: 'wrong' }, code: 1, message: /STS AssumeRole rejected the source credentials \(SignatureDoesNotMatch\)/ },
  {
    name: 'expired SSO session',
    args: ['token', '-i', 'c', '--profile', 'dev'],
    files: { 'aws-config': '[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\nregion = eu-west-1\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n' },
    code: 1,
    message: /SSO session for profile "dev" has expired or is missing: run "aws sso login --profile dev"/,
  },
  { name: 'bad AWS_USE_FIPS_ENDPOINT', args: ['token', '-i', 'c'], env: { ...alice, AWS_USE_FIPS_ENDPOINT: 'yes' }, code: 2, message: /AWS_USE_FIPS_ENDPOINT must be "true" or "false"/ },
];

for (const c of errorCases) {
  test(`error: ${c.name}`, async (t) => {
    const { env, home } = setup(t, c.env);
    for (const [name, text] of Object.entries(c.files ?? {})) writeFile(join(home, name), text);
    const r = await runEksAuth(c.args, { env });
    assert.equal(r.code, c.code, r.stderr);
    assert.equal(r.stdout, '');
    if (c.args.includes('--verbose')) {
      const summary = r.stderr.split('\n').find((l) => l.startsWith('eks-auth: '));
      assert.match(summary ?? '', c.message);
      assert.match(r.stderr, /caused by: /, '--verbose shows the cause chain');
      for (const secret of SECRETS) assert.ok(!r.stderr.includes(secret), 'a secret reached stderr');
    } else {
      assertOneLineError(r.stderr, c.message);
    }
  });
}
