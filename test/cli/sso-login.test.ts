/**
 * An expired IAM Identity Center session: interactive runs sign in once with the device code
 * (URL and code on stderr), even when several start together; non-interactive runs fail fast.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { isolatedEnv, runEksAuth, writeFile } from '../support/cli.js';
import { startStsStandIn, type StsStandIn } from '../support/sts-stand-in.js';
import { startSsoStandIn, type SsoStandIn } from '../support/sso-stand-in.js';
import { verifyToken } from '../../src/verify/verify-token.js';

let sts: StsStandIn;
let sso: SsoStandIn;
before(async () => {
  sts = await startStsStandIn();
  sso = await startSsoStandIn(sts);
});
after(async () => {
  await sso.close();
  await sts.close();
});

const INTERACTIVE = '{"apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":true}}';
const BATCH = '{"apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}';

function setup(t: { after(fn: () => void): void }) {
  const ctx = isolatedEnv({ AWS_ENDPOINT_URL_SSO_OIDC: sso.url, AWS_ENDPOINT_URL_SSO: sso.url, AWS_ENDPOINT_URL_STS: sts.url });
  t.after(ctx.cleanup);
  writeFile(join(ctx.home, 'aws-config'), '[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Developer\nregion = eu-west-1\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-central-1\nsso_registration_scopes = sso:account:access\n');
  const tokenFile = join(ctx.home, '.aws', 'sso', 'cache', `${createHash('sha1').update('corp').digest('hex')}.json`);
  return { ...ctx, tokenFile };
}

test('interactive: signs in with the device code, writes the AWS CLI token cache, and the token verifies', async (t) => {
  const { env, tokenFile } = setup(t);
  const before = sso.deviceAuthorizations;
  const r = await runEksAuth(['token', '-i', 'prod', '--profile', 'dev'], { env: { ...env, KUBERNETES_EXEC_INFO: INTERACTIVE } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^eks-auth: the SSO session of profile "dev" has expired\. To sign in, open https:\/\/device\.sso\.example\/\?user_code=ABCD-EFGH and check that it shows the code ABCD-EFGH/m);
  assert.match(r.stderr, /^eks-auth: signed in to SSO for profile "dev"\.$/m);
  assert.equal(sso.deviceAuthorizations, before + 1);
  const cached = JSON.parse(readFileSync(tokenFile, 'utf8'));
  assert.equal(cached.startUrl, 'https://corp.awsapps.com/start');
  assert.equal(cached.region, 'eu-central-1');
  assert.match(cached.accessToken, /^sso-access-/);
  assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
  const identity = await verifyToken(JSON.parse(r.stdout).status.token, { clusterId: 'prod', stsEndpointOverride: sts.url });
  assert.equal(identity.canonicalArn, sso.roleArn);
});

test('several processes at once: one device authorization, all succeed', async (t) => {
  const { env } = setup(t);
  const before = sso.deviceAuthorizations;
  const runs = await Promise.all(
    ['a', 'b', 'c'].map((cluster) => runEksAuth(['token', '-i', cluster, '--profile', 'dev'], { env: { ...env, KUBERNETES_EXEC_INFO: INTERACTIVE } })),
  );
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  assert.equal(sso.deviceAuthorizations, before + 1, 'one sign-in for all three');
  assert.equal(runs.filter((r) => r.stderr.includes('To sign in, open')).length, 1, 'one of them showed the code');
});

test('non-interactive: fails at once with the command to run, and starts no sign-in', async (t) => {
  const { env, tokenFile } = setup(t);
  const before = sso.deviceAuthorizations;
  const r = await runEksAuth(['token', '-i', 'prod', '--profile', 'dev'], { env: { ...env, KUBERNETES_EXEC_INFO: BATCH } });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'eks-auth: the SSO session for profile "dev" has expired or is missing: run "aws sso login --profile dev"\n');
  assert.equal(sso.deviceAuthorizations, before);
  assert.equal(existsSync(tokenFile), false);
});
