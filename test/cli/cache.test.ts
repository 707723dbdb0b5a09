/**
 * The token cache as users meet it through `eks-auth token` and `eks-auth cache`: reuse, keying,
 * expiry, file modes, recovery from damaged files, parallel kubectl processes, the modules a
 * cache hit loads, assumed-role credential caching, and the deferred extra CA certificates.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isolatedEnv, runEksAuth, ROOT, writeFile } from '../support/cli.js';
import { ADMIN_ROLE, ALICE, BOB_SESSION, startStsStandIn, type StsStandIn } from '../support/sts-stand-in.js';
import { createSelfSignedCertificate } from '../../src/server/certificate.js';
import { verifyToken } from '../../src/verify/verify-token.js';

let sts: StsStandIn;
before(async () => {
  sts = await startStsStandIn();
});
after(() => sts.close());

const alice = { AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey };

function setup(t: { after(fn: () => void): void }, extra: Record<string, string> = {}) {
  const ctx = isolatedEnv({ AWS_ENDPOINT_URL_STS: sts.url, ...extra });
  t.after(ctx.cleanup);
  const cacheDir = join(ctx.home, '.kube', 'cache', 'eks-auth');
  return { ...ctx, cacheDir, tokenFiles: () => { try { return readdirSync(join(cacheDir, 'tokens')); } catch { return []; } } };
}

async function token(env: Record<string, string>, args: string[] = []) {
  const r = await runEksAuth(['token', '-i', 'prod', ...args], { env });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).status as { token: string; expirationTimestamp: string };
}

test('a second call reuses the cached token; files are 0600 in 0700 folders under ~/.kube/cache/eks-auth', async (t) => {
  const { env, cacheDir, tokenFiles } = setup(t, alice);
  const first = await token(env);
  const second = await token(env);
  assert.equal(second.token, first.token);
  assert.equal(second.expirationTimestamp, first.expirationTimestamp);
  assert.equal(tokenFiles().length, 1);
  assert.equal(statSync(cacheDir).mode & 0o777, 0o700);
  assert.equal(statSync(join(cacheDir, 'tokens')).mode & 0o777, 0o700);
  assert.equal(statSync(join(cacheDir, 'tokens', tokenFiles()[0]!)).mode & 0o777, 0o600);
});

test('KUBECACHEDIR, EKS_AUTH_CACHE_DIR and --cache-dir choose the folder', async (t) => {
  const { env, home } = setup(t, alice);
  await token({ ...env, KUBECACHEDIR: join(home, 'kc') });
  assert.equal(readdirSync(join(home, 'kc', 'eks-auth', 'tokens')).length, 1);
  await token({ ...env, EKS_AUTH_CACHE_DIR: join(home, 'e') });
  assert.equal(readdirSync(join(home, 'e', 'tokens')).length, 1);
  await token(env, ['--cache-dir', join(home, 'flag')]);
  assert.equal(readdirSync(join(home, 'flag', 'tokens')).length, 1);
});

test('each key input gets its own entry, and another access key never gets this one\'s token', async (t) => {
  const { env, tokenFiles } = setup(t, alice);
  const base = await token(env);
  const variants = [
    await token(env, ['--region', 'eu-west-1']),
    await token({ ...env, AWS_STS_REGIONAL_ENDPOINTS: 'legacy', AWS_REGION: 'us-east-1' }),
    await token(env, ['-r', ADMIN_ROLE.arn]),
    await token(env, ['-r', ADMIN_ROLE.arn, '-s', 'other-session']),
    await token({ ...env, AWS_ACCESS_KEY_ID: BOB_SESSION.accessKeyId, AWS_SECRET_ACCESS_KEY: BOB_SESSION.secretAccessKey, AWS_SESSION_TOKEN: BOB_SESSION.sessionToken! }),
  ];
  assert.equal(tokenFiles().length, 1 + variants.length, 'every variant has its own entry');
  const cluster = await runEksAuth(['token', '-i', 'staging'], { env });
  assert.notEqual(JSON.parse(cluster.stdout).status.token, base.token);
  const bobAgain = await token({ ...env, AWS_ACCESS_KEY_ID: BOB_SESSION.accessKeyId, AWS_SECRET_ACCESS_KEY: BOB_SESSION.secretAccessKey, AWS_SESSION_TOKEN: BOB_SESSION.sessionToken! });
  const identity = await verifyToken(bobAgain.token, { clusterId: 'prod', stsEndpointOverride: sts.url });
  assert.equal(identity.arn, BOB_SESSION.arn, 'bob\'s cached token is bob\'s');
});

test('expiry is capped by the credentials\' own expiry, and a token is not reused in its last minute', async (t) => {
  const { env } = setup(t, alice);
  const credentialEnd = new Date(Date.now() + 5 * 60_000 + 30_000);
  const capped = await token({ ...env, AWS_CREDENTIAL_EXPIRATION: credentialEnd.toISOString() });
  const expected = Math.floor((credentialEnd.getTime() - 60_000) / 1000) * 1000;
  assert.equal(Date.parse(capped.expirationTimestamp), expected, 'credential expiry minus one minute');
  const nearEnd = new Date(Date.now() + 110_000);
  const short = await token({ ...env, AWS_CREDENTIAL_EXPIRATION: nearEnd.toISOString() }, ['--region', 'us-west-1']);
  assert.ok(Date.parse(short.expirationTimestamp) - Date.now() <= 60_000, 'less than a minute of life');
  const again = await runEksAuth(['token', '-i', 'prod', '--region', 'us-west-1', '-v'], { env: { ...env, AWS_CREDENTIAL_EXPIRATION: nearEnd.toISOString() } });
  assert.match(again.stderr, /token signed/, 'a token with under a minute left is not handed out again');
  const reused = await runEksAuth(['token', '-i', 'prod', '-v'], { env });
  assert.match(reused.stderr, /token from cache/, 'the control: a fresh entry is reused');
});

test('corrupt, truncated, foreign and shared cache files are ignored and replaced', async (t) => {
  const { env, cacheDir, tokenFiles } = setup(t, alice);
  const original = await token(env);
  const file = join(cacheDir, 'tokens', tokenFiles()[0]!);
  const entry = JSON.parse(readFileSync(file, 'utf8'));
  const damaged: Array<[string, string, number]> = [
    ['garbage', 'not json at all', 0o600],
    ['truncated', JSON.stringify(entry).slice(0, 80), 0o600],
    ['foreign key', JSON.stringify({ ...entry, key: 'f'.repeat(64), token: 'k8s-aws-v1.planted' }), 0o600],
    ['other version', JSON.stringify({ ...entry, version: 2 }), 0o600],
    ['readable by others', JSON.stringify({ ...entry, token: 'k8s-aws-v1.planted' }), 0o644],
  ];
  for (const [name, content, mode] of damaged) {
    writeFileSync(file, content);
    chmodSync(file, mode);
    const next = await token(env);
    assert.match(next.token, /^k8s-aws-v1\.aHR0c/, name);
    assert.notEqual(next.token, 'k8s-aws-v1.planted', name);
    const rewritten = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(rewritten.token, next.token, `${name}: replaced with a valid entry`);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  }
  assert.match(original.token, /^k8s-aws-v1\./);
});

test('16 kubectl-like processes on an empty cache all succeed with valid JSON', async (t) => {
  const { env, cacheDir, tokenFiles } = setup(t, alice);
  const results = await Promise.all(Array.from({ length: 16 }, () => runEksAuth(['token', '-i', 'prod'], { env })));
  for (const r of results) {
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(JSON.parse(r.stdout).kind, 'ExecCredential');
  }
  assert.equal(tokenFiles().length, 1);
  assert.deepEqual(readdirSync(join(cacheDir, 'tokens')).filter((f) => f.endsWith('.tmp')), [], 'no temp files left');
});

test('--no-cache neither reads nor writes the cache', async (t) => {
  const { env, tokenFiles } = setup(t, alice);
  await token(env);
  const fresh = await runEksAuth(['token', '-i', 'prod', '--no-cache', '-v'], { env });
  assert.match(fresh.stderr, /token signed/, 'signed anew although an entry exists');
  assert.equal(tokenFiles().length, 1);
  const { env: env2, tokenFiles: files2 } = setup(t, alice);
  await token(env2, ['--no-cache']);
  assert.equal(files2().length, 0);
}, );

test('an unwritable cache folder costs speed, not the token', async (t) => {
  const { env, home } = setup(t, alice);
  const ro = join(home, 'ro');
  mkdirSync(ro, { mode: 0o500 });
  const r = await runEksAuth(['token', '-i', 'prod', '--cache-dir', join(ro, 'eks-auth')], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const file = writeFile(join(home, 'not-a-dir'), 'x');
  const r2 = await runEksAuth(['token', '-i', 'prod', '--cache-dir', file], { env });
  assert.equal(r2.code, 0, r2.stderr);
});

test('cache list shows entries and lifetimes but no secrets; cache clear empties it', async (t) => {
  const { env, cacheDir } = setup(t, alice);
  await token(env, ['--region', 'eu-west-1']);
  await token(env, ['-r', ADMIN_ROLE.arn]);
  const list = await runEksAuth(['cache', 'list'], { env });
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^KIND +CLUSTER +REGION +PROFILE +ROLE +EXPIRES IN$/m);
  assert.match(list.stdout, /^token +prod +eu-west-1 +default +- +1[34]m\d\ds$/m);
  assert.match(list.stdout, /^credentials +- +- +default +arn:aws:iam::111122223333:role\/team\/eks-admin +(59|60)m\d\ds|^credentials .* 1h00m$/m);
  const json = JSON.parse((await runEksAuth(['cache', 'list', '-o', 'json'], { env })).stdout);
  assert.equal(json.length, 3);
  const entries = ['tokens', 'credentials'].flatMap((dir) => readdirSync(join(cacheDir, dir)).map((f) => JSON.parse(readFileSync(join(cacheDir, dir, f), 'utf8'))));
  const secrets = entries.flatMap((e) => [e.token, e.secretAccessKey, e.sessionToken].filter(Boolean) as string[]);
  assert.ok(secrets.length >= 3);
  for (const s of secrets) assert.ok(!list.stdout.includes(s) && !JSON.stringify(json).includes(s), 'list never shows a secret');
  const clear = await runEksAuth(['cache', 'clear'], { env });
  assert.match(clear.stdout, /^removed 3 cached entries from /);
  assert.match((await runEksAuth(['cache', 'list'], { env })).stdout, /^no cached tokens or credentials in /);
});

test('-r: one AssumeRole for many commands, until the role credentials near their end', async (t) => {
  const { env } = setup(t, alice);
  const calls = sts.assumeRoleCalls.length;
  const first = await token(env, ['-r', ADMIN_ROLE.arn]);
  // Another region is another token, but the same role credentials.
  const second = await token(env, ['-r', ADMIN_ROLE.arn, '--region', 'eu-west-3']);
  assert.equal(sts.assumeRoleCalls.length, calls + 1, 'one AssumeRole for both');
  assert.notEqual(first.token, second.token);
  await token(env, ['-r', ADMIN_ROLE.arn, '-s', 'another-session']);
  assert.equal(sts.assumeRoleCalls.length, calls + 2, 'another session name is another role session');
  await token(env, ['-r', ADMIN_ROLE.arn, '--no-cache']);
  assert.equal(sts.assumeRoleCalls.length, calls + 3, '--no-cache bypasses the credential cache too');
  const who = await verifyToken(second.token, { clusterId: 'prod', stsEndpointOverride: sts.url });
  assert.equal(who.canonicalArn, 'arn:aws:iam::111122223333:role/eks-admin');
});

test('a cache hit loads neither the SDK nor the signer; a miss with environment keys loads only the env provider', async (t) => {
  const { env, home } = setup(t, alice);
  const modulesFile = join(home, 'modules.txt');
  const traced = { ...env, NODE_OPTIONS: `--require=${join(ROOT, 'test/support/record-modules.cjs')}`, EKS_AUTH_TEST_MODULES_FILE: modulesFile };
  await token(traced);
  const miss = readFileSync(modulesFile, 'utf8');
  assert.match(miss, /token-generate\.cjs/);
  assert.match(miss, /sdk-env-provider\.cjs/);
  assert.doesNotMatch(miss, /sdk-provider-chain|sdk-sts-client/);
  await token(traced);
  const hit = readFileSync(modulesFile, 'utf8').trim().split('\n');
  assert.deepEqual(hit.filter((m) => !m.endsWith('record-modules.cjs')).map((m) => m.replace(/^.*\/dist\//, 'dist/')), ['dist/cli/cli.cjs']);
});

test('NODE_EXTRA_CA_CERTS is deferred on the hit path yet trusted for TLS, and child processes still see it', async (t) => {
  const { certPem, keyPem } = await createSelfSignedCertificate({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], validityDays: 1 });
  const tlsSts = await startStsStandIn({ tls: { cert: certPem, key: keyPem } });
  t.after(() => tlsSts.close());
  const { env, home } = setup(t, { AWS_ENDPOINT_URL_STS: tlsSts.url });
  const caFile = writeFile(join(home, 'extra-ca.pem'), certPem);
  const seenBy = join(home, 'child-saw.txt');
  const script = writeFile(join(home, 'creds.sh'), `#!/bin/sh\nprintf '%s' "$NODE_EXTRA_CA_CERTS" > '${seenBy}'\nprintf '{"Version":1,"AccessKeyId":"${ALICE.accessKeyId}","SecretAccessKey":"${ALICE.secretAccessKey}"}'\n`);
  chmodSync(script, 0o755);
  writeFile(join(home, 'aws-config'), `[profile proc]\ncredential_process = ${script}\n`);
  const args = ['token', '-i', 'prod', '--profile', 'proc', '-r', ADMIN_ROLE.arn];
  const trusted = await runEksAuth(args, { env: { ...env, NODE_EXTRA_CA_CERTS: caFile } });
  assert.equal(trusted.code, 0, trusted.stderr);
  assert.equal(tlsSts.assumeRoleCalls.length, 1, 'AssumeRole went over TLS to the stand-in, trusting the extra CA');
  assert.equal(readFileSync(seenBy, 'utf8'), caFile, 'credential_process saw NODE_EXTRA_CA_CERTS as the user set it');
  const untrusted = await runEksAuth([...args, '--no-cache', '-s', 'again'], { env });
  assert.equal(untrusted.code, 1, 'without the extra CA the self-signed STS is refused (the test can fail)');
  assert.match(untrusted.stderr, /certificate|self[- ]signed/i);
});

test('MFA profiles: one prompt, then the role credentials are cached for non-interactive runs', async (t) => {
  const mfaRole = { arn: 'arn:aws:iam::111122223333:role/mfa-cached', roleId: 'AROAMFACACHEDEXAMPLE', mfa: { serialNumber: 'arn:aws:iam::111122223333:mfa/alice', tokenCode: '654321' } };
  sts.addRole(mfaRole);
  const { env, home } = setup(t);
  writeFile(join(home, 'aws-credentials'), `[base]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`);
  writeFile(join(home, 'aws-config'), `[profile mfa]\nrole_arn = ${mfaRole.arn}\nsource_profile = base\nmfa_serial = ${mfaRole.mfa.serialNumber}\n`);
  const interactive = await runEksAuth(['token', '-i', 'prod', '--profile', 'mfa'], {
    env: { ...env, KUBERNETES_EXEC_INFO: '{"apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":true}}' },
    input: '654321\n',
  });
  assert.equal(interactive.code, 0, interactive.stderr);
  const calls = sts.assumeRoleCalls.length;
  const later = await runEksAuth(['token', '-i', 'other-cluster', '--profile', 'mfa'], {
    env: { ...env, KUBERNETES_EXEC_INFO: '{"apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}' },
  });
  assert.equal(later.code, 0, later.stderr);
  assert.equal(later.stderr, '', 'no prompt');
  assert.equal(sts.assumeRoleCalls.length, calls, 'no AssumeRole: the cached role credentials signed it');
  const who = await verifyToken(JSON.parse(later.stdout).status.token, { clusterId: 'other-cluster', stsEndpointOverride: sts.url });
  assert.equal(who.canonicalArn, 'arn:aws:iam::111122223333:role/mfa-cached');
});

test('two keys sharing a file name (a hash collision) never hand out each other\'s token', async (t) => {
  const { env, cacheDir, tokenFiles } = setup(t, alice);
  await token(env);
  const file = join(cacheDir, 'tokens', tokenFiles()[0]!);
  const entry = JSON.parse(readFileSync(file, 'utf8'));
  // Same file, another key inside: what a colliding key would find.
  writeFileSync(file, JSON.stringify({ ...entry, key: entry.key.replace('"prod"', '"staging"'), token: 'k8s-aws-v1.someone-elses' }));
  const r = await token(env);
  assert.notEqual(r.token, 'k8s-aws-v1.someone-elses');
});
