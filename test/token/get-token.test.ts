import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getToken, formatExecCredential, isEksAuthError } from '../../src/index.js';
import { decodeToken } from '../../src/token/token-format.js';
import { startStsStandIn, ALICE, BOB_SESSION } from '../support/sts-stand-in.js';
import { verifyToken } from '../../src/verify/verify-token.js';

const env = { AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials' };
const at = new Date('2025-06-01T10:00:00.750Z');

test('library: getToken with credentials in hand signs for the configured region and reports the details', async () => {
  const result = await getToken({ clusterId: 'lib', region: 'eu-north-1', credentials: ALICE, env, now: () => at });
  assert.equal(result.stsHost, 'sts.eu-north-1.amazonaws.com');
  assert.equal(result.signingRegion, 'eu-north-1');
  assert.equal(result.partition, 'aws');
  assert.equal(result.accessKeyId, ALICE.accessKeyId);
  assert.equal(result.signedAt.toISOString(), '2025-06-01T10:00:00.000Z');
  assert.equal(result.expiresAt.toISOString(), '2025-06-01T10:14:00.000Z');
  assert.match(decodeToken(result.token), /X-Amz-Date=20250601T100000Z/);
  assert.equal(
    formatExecCredential({ token: result.token, expiresAt: result.expiresAt }),
    `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{},"status":{"expirationTimestamp":"2025-06-01T10:14:00Z","token":"${result.token}"}}\n`,
  );
});

test('library: the token expires a minute before the credentials that signed it, if they end first', async () => {
  const credentialsEnd = new Date(at.getTime() + 5 * 60_000);
  const result = await getToken({ clusterId: 'lib', credentials: async () => ({ ...BOB_SESSION, expiration: credentialsEnd }), env, now: () => at });
  assert.equal(result.expiresAt.getTime(), Math.floor((credentialsEnd.getTime() - 60_000) / 1000) * 1000, 'a minute before the credentials end, whole seconds');
});

test('library: a token from getToken passes the SigV4-checking STS stand-in for its cluster only', async (t) => {
  const sts = await startStsStandIn();
  t.after(() => sts.close());
  const { token } = await getToken({ clusterId: 'ci', credentials: BOB_SESSION, env });
  assert.equal((await verifyToken(token, { clusterId: 'ci', stsEndpointOverride: sts.url })).arn, BOB_SESSION.arn);
  await assert.rejects(verifyToken(token, { clusterId: 'cd', stsEndpointOverride: sts.url }), (e: any) => e.code === 'STS_REJECTED');
});

test('library: bad options are typed errors with stable codes', async () => {
  await assert.rejects(getToken({ clusterId: '', credentials: ALICE, env }), (e) => isEksAuthError(e) && e.code === 'USAGE');
  await assert.rejects(getToken({ clusterId: 'c', region: 'bad region', credentials: ALICE, env }), (e) => isEksAuthError(e) && e.code === 'INVALID_REGION');
  await assert.rejects(getToken({ clusterId: 'c', profile: 'missing', credentials: ALICE, env }), (e) => isEksAuthError(e) && e.code === 'UNKNOWN_PROFILE');
});
