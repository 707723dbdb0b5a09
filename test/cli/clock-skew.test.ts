/**
 * A local clock three minutes slow (libfaketime) with the STS stand-in on real time: the first
 * AssumeRole reveals the skew through STS's Date header, eks-auth warns once, signs with the
 * corrected time, tells kubectl the expiry in local time, and later runs reuse the offset.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { isolatedEnv, requireTool, run, EKS_AUTH } from '../support/cli.js';
import { ADMIN_ROLE, ALICE, startStsStandIn, type StsStandIn } from '../support/sts-stand-in.js';
import { decodeToken } from '../../src/token/token-format.js';
import { verifyToken } from '../../src/verify/verify-token.js';

let sts: StsStandIn;
before(async () => {
  sts = await startStsStandIn();
});
after(() => sts.close());

const amzDate = (token: string) => {
  const m = /X-Amz-Date=(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(decodeToken(token))!;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
};

test('a slow local clock is detected on AssumeRole, corrected when signing, and remembered', async (t) => {
  if (!requireTool(t, 'faketime', 'apt-get install -y faketime')) return;
  const { env, cleanup } = isolatedEnv({
    AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey, AWS_ENDPOINT_URL_STS: sts.url,
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
  });
  t.after(cleanup);
  const slow = (args: string[]) => run('faketime', ['-f', '-3m', EKS_AUTH, ...args], { env });

  const first = await slow(['token', '-i', 'prod', '-r', ADMIN_ROLE.arn]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /^eks-auth: warning: the local clock is (2m5\d|3m0\d)s behind AWS \(STS's Date header\); signing with the corrected time/);
  const cred = JSON.parse(first.stdout).status;
  const signed = amzDate(cred.token);
  assert.ok(Math.abs(signed - Date.now()) < 10_000, 'X-Amz-Date is in AWS (real) time, not the slow local time');
  const expiresLocal = Date.parse(cred.expirationTimestamp);
  t.diagnostic(`expires ${cred.expirationTimestamp}, now ${new Date().toISOString()}, signed ${new Date(signed).toISOString()}`);
  assert.ok(Math.abs(expiresLocal - (Date.now() - 3 * 60_000 + 14 * 60_000)) < 10_000, 'expiry is in local time: local now + 14 min');
  assert.equal((await verifyToken(cred.token, { clusterId: 'prod', stsEndpointOverride: sts.url })).canonicalArn, 'arn:aws:iam::111122223333:role/eks-admin');

  // No STS call now (environment keys, no role): the remembered offset still corrects, silently.
  const later = await slow(['token', '-i', 'other']);
  assert.equal(later.code, 0, later.stderr);
  assert.equal(later.stderr, '');
  const laterSigned = amzDate(JSON.parse(later.stdout).status.token);
  assert.ok(Math.abs(laterSigned - Date.now()) < 10_000, `later run signed ${new Date(laterSigned).toISOString()} (not corrected?)`);
});

test('a correct clock gives no warning and no correction', async (t) => {
  const { env, cleanup } = isolatedEnv({ AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey, AWS_ENDPOINT_URL_STS: sts.url });
  t.after(cleanup);
  const r = await run(EKS_AUTH, ['token', '-i', 'prod', '-r', ADMIN_ROLE.arn], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
});
