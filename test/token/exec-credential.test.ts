import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatExecCredential, parseExecInfo } from '../../src/token/exec-credential.js';

const V1 = 'client.authentication.k8s.io/v1';
const BETA = 'client.authentication.k8s.io/v1beta1';
const ALPHA = 'client.authentication.k8s.io/v1alpha1';

const table: Array<[string, string | undefined, string, RegExp | undefined, boolean | undefined]> = [
  ['unset', undefined, BETA, undefined, undefined],
  ['empty', '', BETA, undefined, undefined],
  ['v1, interactive', JSON.stringify({ kind: 'ExecCredential', apiVersion: V1, spec: { interactive: true } }), V1, undefined, true],
  ['v1beta1, not interactive', JSON.stringify({ kind: 'ExecCredential', apiVersion: BETA, spec: { interactive: false } }), BETA, undefined, false],
  ['v1alpha1 is echoed with a deprecation warning', JSON.stringify({ apiVersion: ALPHA, spec: {} }), ALPHA, /deprecated/, undefined],
  ['malformed JSON', '{"apiVersion":', BETA, /not valid JSON/, undefined],
  ['unknown version', JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v2' }), BETA, /unknown apiVersion "client.authentication.k8s.io\/v2"/, undefined],
  ['JSON that is not an object', '42', BETA, /unknown apiVersion null/, undefined],
];

for (const [name, raw, apiVersion, warning, interactive] of table) {
  test(`KUBERNETES_EXEC_INFO ${name}`, () => {
    const info = parseExecInfo(raw);
    assert.equal(info.apiVersion, apiVersion);
    if (warning) assert.match(info.warning ?? '', warning);
    else assert.equal(info.warning, undefined);
    assert.equal(info.interactive, interactive);
  });
}

test('cluster info from provideClusterInfo is passed on', () => {
  const info = parseExecInfo(JSON.stringify({ apiVersion: V1, spec: { interactive: false, cluster: { server: 'https://x', config: { clusterName: 'c' } } } }));
  assert.deepEqual(info.cluster, { server: 'https://x', config: { clusterName: 'c' } });
});

test('ExecCredential is one compact line with whole-second UTC expiry', () => {
  const out = formatExecCredential({ token: 'k8s-aws-v1.abc', expiresAt: new Date('2024-05-06T07:08:09.999Z'), apiVersion: V1 });
  assert.equal(out, '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{},"status":{"expirationTimestamp":"2024-05-06T07:08:09Z","token":"k8s-aws-v1.abc"}}\n');
});
