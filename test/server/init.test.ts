import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isolatedEnv, runEksAuth } from '../support/cli.js';

test('init writes a certificate (SANs for hostname and address), a 0600 key and the seed-format kubeconfig', async (t) => {
  const { env, home, cleanup } = isolatedEnv();
  t.after(cleanup);
  const dir = join(home, 'state');
  const r = await runEksAuth(['init', '-i', 'prod', '--state-dir', dir, '--hostname', 'auth.internal', '--address', '10.1.2.3', '--port', '21999'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /--authentication-token-webhook-config-file=.*eks-auth\.kubeconfig/);
  assert.match(r.stdout, /--authentication-token-webhook-cache-ttl=2m/);
  const certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const cert = new X509Certificate(certPem);
  assert.equal(cert.subjectAltName, 'DNS:auth.internal, IP Address:10.1.2.3');
  const years = (Date.parse(cert.validTo) - Date.now()) / (365.25 * 86400e3);
  assert.ok(years > 9.9 && years < 10.1, `valid for ten years, not ${years}`);
  assert.ok(cert.checkPrivateKey(createPrivateKey(readFileSync(join(dir, 'key.pem')))));
  assert.equal(statSync(join(dir, 'key.pem')).mode & 0o777, 0o600);
  const kubeconfig = parse(readFileSync(join(dir, 'eks-auth.kubeconfig'), 'utf8'));
  assert.deepEqual(kubeconfig, {
    clusters: [{ name: 'aws-iam-authenticator', cluster: { 'certificate-authority-data': Buffer.from(certPem).toString('base64'), server: 'https://auth.internal:21999/authenticate' } }],
    users: [{ name: 'apiserver' }],
    'current-context': 'webhook',
    contexts: [{ name: 'webhook', context: { cluster: 'aws-iam-authenticator', user: 'apiserver' } }],
  });
});

test('init keeps an existing certificate and key, and honours --kubeconfig', async (t) => {
  const { env, home, cleanup } = isolatedEnv();
  t.after(cleanup);
  const dir = join(home, 'state');
  await runEksAuth(['init', '-i', 'prod', '--state-dir', dir], { env });
  const before = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const again = await runEksAuth(['init', '-i', 'prod', '--state-dir', dir, '--kubeconfig', join(home, 'webhook.yaml')], { env });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^kept existing /);
  assert.equal(readFileSync(join(dir, 'cert.pem'), 'utf8'), before);
  const kubeconfig = parse(readFileSync(join(home, 'webhook.yaml'), 'utf8'));
  assert.equal(kubeconfig.clusters[0].cluster.server, 'https://localhost:21362/authenticate');
  assert.equal(Buffer.from(kubeconfig.clusters[0].cluster['certificate-authority-data'], 'base64').toString(), before);
  const cert = new X509Certificate(before);
  assert.equal(cert.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1');
});

test('init usage errors', async (t) => {
  const { env, cleanup } = isolatedEnv();
  t.after(cleanup);
  const r = await runEksAuth(['init', '--state-dir', '/tmp/x'], { env });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^eks-auth: a cluster ID is required/);
  const p = await runEksAuth(['init', '-i', 'c', '--state-dir', '/tmp/x', '--port', '99999'], { env });
  assert.equal(p.code, 2);
  assert.match(p.stderr, /--port must be 1-65535/);
});
